// Streamed uploads and downloads through the real binary, on local disk and (when
// scripts/test.sh started s3rver) S3: a body larger than any buffer goes through whole and is
// served back in ranges, a chunked body works, a refused upload is answered while the client is
// still sending, and an upload cut off mid-body leaves no asset and no staging file behind.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createHash } from 'node:crypto';
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, newUser, waitFor } from './harness.mjs';

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

// An MP4-looking file of `size` bytes: an ftyp box, then a position-dependent filler.
function mp4(size, seed = 1) {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i += 4) bytes.writeUInt32LE((i * 2654435761 + seed) >>> 0, i);
  Buffer.from('00000018667479706d703432', 'hex').copy(bytes, 0);
  return bytes;
}

const backends = [['local disk', []]];
if (process.env.OD_TEST_S3_URL) {
  backends.push(['S3', ['--s3-endpoint', process.env.OD_TEST_S3_URL,
                        '--s3-bucket', process.env.OD_TEST_S3_BUCKET || 'od-test',
                        '--s3-access-key', process.env.OD_TEST_S3_ACCESS_KEY || 'S3RVER',
                        '--s3-secret-key', process.env.OD_TEST_S3_SECRET_KEY || 'S3RVER']]);
}

// Sends a POST whose body is written by `write(req)`; resolves with { status, json } or rejects
// when the connection fails.
function post(server, token, path, headers, write) {
  return new Promise((resolve, reject) => {
    const req = http.request(`${server.url}${path}`, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, ...headers },
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        resolve({ status: res.statusCode, headers: res.headers, json: text ? JSON.parse(text) : undefined });
      });
    });
    req.on('error', reject);
    write(req);
  });
}

async function getBytes(server, token, id, headers = {}) {
  const res = await fetch(`${server.url}/api/v1/assets/${id}/content`, {
    headers: { authorization: `Bearer ${token}`, ...headers },
  });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

const stagingFiles = (server) => {
  const dir = join(server.dataDir, 'uploads');
  // Files only: resumable and presigned uploads keep theirs in subdirectories.
  return existsSync(dir) ? readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile()).map((e) => e.name) : [];
};

for (const [backend, args] of backends) {
  describe(`streamed uploads on ${backend}`, () => {
    let server;
    before(async () => {
      server = await startServer({
        args: [...args, '--max-upload-mb', '64', '--user-quota-mb', '100'],
        rateLimits: 'ip=100000,login=100000,upload=1000',
      });
    });
    after(async () => { await server.stop(); server.cleanup(); });

    test('a 40 MiB body streams in whole and streams back whole and in ranges', async () => {
      const me = await newUser(server, 'big');
      const bytes = mp4(40 * 1024 * 1024);
      const res = await post(server, me.access, '/api/v1/assets?filename=clip.mp4',
                             { 'content-type': 'video/mp4', 'content-length': bytes.length },
                             (req) => req.end(bytes));
      assert.equal(res.status, 201, JSON.stringify(res.json));
      assert.equal(res.json.size, bytes.length);
      assert.equal(res.json.sha256, sha256(bytes));
      assert.equal(res.json.contentType, 'video/mp4');

      const whole = await getBytes(server, me.access, res.json.id);
      assert.equal(whole.status, 200);
      assert.equal(whole.headers.get('content-length'), String(bytes.length));
      assert.equal(whole.headers.get('etag'), `"${sha256(bytes)}"`);
      assert.ok(whole.body.equals(bytes));

      const part = await getBytes(server, me.access, res.json.id,
                                  { range: 'bytes=20000000-20000099' });
      assert.equal(part.status, 206);
      assert.equal(part.headers.get('content-range'), `bytes 20000000-20000099/${bytes.length}`);
      assert.ok(part.body.equals(bytes.subarray(20000000, 20000100)));

      const head = await fetch(`${server.url}/api/v1/assets/${res.json.id}/content`, {
        method: 'HEAD', headers: { authorization: `Bearer ${me.access}` },
      });
      assert.equal(head.status, 200);
      assert.equal(head.headers.get('content-length'), String(bytes.length));
      assert.deepEqual(stagingFiles(server), []);
    });

    test('a chunked body (no Content-Length) is accepted', async () => {
      const me = await newUser(server, 'chunked');
      const bytes = mp4(3 * 1024 * 1024, 7);
      const res = await post(server, me.access, '/api/v1/assets',
                             { 'content-type': 'video/mp4', 'transfer-encoding': 'chunked' },
                             (req) => {
                               for (let i = 0; i < bytes.length; i += 100000) {
                                 req.write(bytes.subarray(i, i + 100000));
                               }
                               req.end();
                             });
      assert.equal(res.status, 201, JSON.stringify(res.json));
      assert.equal(res.json.sha256, sha256(bytes));
    });

    test('a browser form (multipart/form-data) streams its file part', async () => {
      const me = await newUser(server, 'form');
      const bytes = mp4(2 * 1024 * 1024 + 8, 11);
      const form = new FormData();
      form.append('title', 'ignored field');
      form.append('file', new Blob([bytes], { type: 'video/mp4' }), 'holiday.mp4');
      const res = await fetch(`${server.url}/api/v1/assets`, {
        method: 'POST', headers: { authorization: `Bearer ${me.access}` }, body: form,
      });
      const json = await res.json();
      assert.equal(res.status, 201, JSON.stringify(json));
      assert.equal(json.filename, 'holiday.mp4');
      assert.equal(json.contentType, 'video/mp4');
      assert.equal(json.sha256, sha256(bytes));
      assert.equal(json.size, bytes.length);

      const spoof = new FormData();
      spoof.append('file', new Blob([bytes], { type: 'image/png' }), 'fake.png');
      const refused = await fetch(`${server.url}/api/v1/assets`, {
        method: 'POST', headers: { authorization: `Bearer ${me.access}` }, body: spoof,
      });
      assert.equal(refused.status, 415);
      const noFile = new FormData();
      noFile.append('title', 'no file here');
      const empty = await fetch(`${server.url}/api/v1/assets`, {
        method: 'POST', headers: { authorization: `Bearer ${me.access}` }, body: noFile,
      });
      assert.equal(empty.status, 400);
      assert.equal((await empty.json()).error.code, 'invalid_multipart');
    });

    test('a chunked body over the per-file limit is refused with 413 and stores nothing', async () => {
      const me = await newUser(server, 'limit');
      const block = mp4(1024 * 1024, 3);
      const res = await post(server, me.access, '/api/v1/assets',
                             { 'content-type': 'video/mp4', 'transfer-encoding': 'chunked' },
                             (req) => {
                               // 65 MiB in 1 MiB writes, past the 64 MiB limit; the server
                               // answers (and stops reading) before the end.
                               let sent = 0;
                               const more = () => {
                                 while (sent < 65) {
                                   sent += 1;
                                   if (!req.write(block)) return req.once('drain', more);
                                 }
                                 req.end();
                               };
                               more();
                             }).catch((e) => ({ error: e }));
      if (res.error) assert.fail(`no answer: ${res.error}`);
      assert.equal(res.status, 413);
      const mine = await server.api('GET', '/api/v1/assets', { token: me.access });
      assert.equal(mine.json.items.length, 0);
      await waitFor('no staging file', () => stagingFiles(server).length === 0);
    });

    test('a wrong type is refused from the first bytes, while the client is still sending', async () => {
      const me = await newUser(server, 'spoof');
      const bytes = Buffer.alloc(20 * 1024 * 1024, 0x41);  // "AAAA...", not a PNG
      const res = await post(server, me.access, '/api/v1/assets',
                             { 'content-type': 'image/png', 'content-length': bytes.length },
                             (req) => req.end(bytes)).catch((e) => ({ error: e }));
      if (res.error) assert.fail(`no answer: ${res.error}`);
      assert.equal(res.status, 415);
      assert.equal(res.json.error.code, 'type_mismatch');
    });

    test('a declared size over the quota is refused before the body is read', async () => {
      const me = await newUser(server, 'quota');
      const first = await post(server, me.access, '/api/v1/assets',
                               { 'content-type': 'video/mp4' },
                               (req) => req.end(mp4(45 * 1024 * 1024, 5)));
      assert.equal(first.status, 201);
      // 45 + 60 MiB exceed the 100 MiB quota. The client sends 64 KiB and then waits: only an
      // answer given before the body is read can arrive.
      const res = await post(server, me.access, '/api/v1/assets',
                             { 'content-type': 'video/mp4', 'content-length': 60 * 1024 * 1024 },
                             (req) => req.write(mp4(64 * 1024, 6)));
      assert.equal(res.status, 413);
      assert.equal(res.json.error.code, 'quota_exceeded');
    });

    test('an upload cut off mid-body leaves no asset and no staging file', async () => {
      const me = await newUser(server, 'cut');
      const total = 30 * 1024 * 1024;
      await new Promise((resolve) => {
        const req = http.request(`${server.url}/api/v1/assets`, {
          method: 'POST',
          headers: { authorization: `Bearer ${me.access}`, 'content-type': 'video/mp4',
                     'content-length': total },
        });
        req.on('error', () => resolve());
        req.on('response', () => resolve());
        // 8 MiB of 30, then the connection drops once the server has surely started staging.
        req.write(mp4(8 * 1024 * 1024), () => {
          waitFor('a staging file', () => stagingFiles(server).length > 0)
            .then(() => { req.destroy(); resolve(); }, () => { req.destroy(); resolve(); });
        });
      });
      await waitFor('the staging file to go', () => stagingFiles(server).length === 0);
      const mine = await server.api('GET', '/api/v1/assets', { token: me.access });
      assert.equal(mine.status, 200);
      assert.equal(mine.json.items.length, 0);
      // The server is unharmed and the user can upload again.
      const again = await post(server, me.access, '/api/v1/assets',
                               { 'content-type': 'video/mp4' }, (req) => req.end(mp4(1000, 9)));
      assert.equal(again.status, 201);
    });
  });
}
