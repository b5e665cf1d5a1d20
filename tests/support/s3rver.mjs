// Starts s3rver (a real S3-compatible server from npm) on loopback for the test suites: a free
// port, a throwaway directory, the bucket `od-test`, virtual-host buckets under *.s3.localhost.
// Prints one JSON line {"url","bucket","accessKey","secretKey","pid"} once it listens, and runs
// until SIGTERM/SIGINT, then removes its directory.
//
// s3rver checks access keys but not SigV4 signatures (its v4 check is unimplemented), so every
// request first passes sigv4-check.mjs, which recomputes the signature like AWS does and answers
// 403 SignatureDoesNotMatch otherwise: a signing bug fails the tests instead of passing unseen.
//
//   node tests/support/s3rver.mjs            # used by scripts/test.sh
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { checkSigV4 } from './sigv4-check.mjs';

const require = createRequire(import.meta.url);
const S3rver = require('s3rver');

const accessKey = 'S3RVER';
const secretKey = 'S3RVER';  // s3rver's fixed development credentials
const directory = mkdtempSync(join(tmpdir(), 'od-s3rver-'));
const s3 = new S3rver({
  silent: true,
  directory,
  serviceEndpoint: 'localhost',
  configureBuckets: [{ name: 'od-test' }],
});
await s3.configureBuckets();
const handle = s3.callback();
const http = createServer((req, res) => {
  const problem = checkSigV4(req, { [accessKey]: secretKey });
  if (problem) {
    res.writeHead(403, { 'content-type': 'application/xml' });
    res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>SignatureDoesNotMatch</Code>` +
            `<Message>${problem}</Message></Error>`);
    return;
  }
  handle(req, res);
});
await new Promise((resolve) => http.listen(0, '127.0.0.1', resolve));
console.log(JSON.stringify({
  url: `http://127.0.0.1:${http.address().port}`, bucket: 'od-test', accessKey, secretKey,
  pid: process.pid,
}));

const stop = () => {
  http.close();
  rmSync(directory, { recursive: true, force: true });
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
