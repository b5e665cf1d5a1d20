// Resumable uploads (tus 1.0) through the real binary, driven by the real tus-js-client where a
// client does the work, and by raw HTTP for the protocol's error cases: create, upload in chunks,
// resume after a dropped connection, offset mismatch, termination, expiry, a type that does not
// match at completion, quota; on local disk and (when scripts/test.sh started s3rver) S3.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, newUser, waitFor } from './harness.mjs';

const tus = createRequire(import.meta.url)('tus-js-client');
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');
const b64 = (text) => Buffer.from(text).toString('base64');

function mp4(size, seed = 1) {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i + 4 <= size; i += 4) bytes.writeUInt32LE((i * 2654435761 + seed) >>> 0, i);
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

// Runs a tus-js-client upload to completion; resolves with the upload URL.
function tusUpload(server, token, bytes, options = {}) {
  return new Promise((resolve, reject) => {
    const upload = new tus.Upload(bytes, {
      endpoint: `${server.url}/api/v1/uploads`,
      headers: { authorization: `Bearer ${token}` },
      metadata: { filename: 'clip.mp4', filetype: 'video/mp4' },
      chunkSize: 1024 * 1024,
      retryDelays: null,
      ...options,
      onError: reject,
      onSuccess: () => resolve(upload.url),
    });
    upload.start();
  });
}

const tusHeaders = (token, extra = {}) =>
  ({ authorization: `Bearer ${token}`, 'tus-resumable': '1.0.0', ...extra });

async function create(server, token, length, metadata = `filename ${b64('a.mp4')},filetype ${b64('video/mp4')}`) {
  const res = await fetch(`${server.url}/api/v1/uploads`, {
    method: 'POST',
    headers: tusHeaders(token, { 'upload-length': String(length), 'upload-metadata': metadata }),
  });
  return res;
}

async function head(server, token, location) {
  return fetch(`${server.url}${location}`, { method: 'HEAD', headers: tusHeaders(token) });
}

async function patch(server, token, location, offset, body, type = 'application/offset+octet-stream') {
  return fetch(`${server.url}${location}`, {
    method: 'PATCH',
    headers: tusHeaders(token, { 'upload-offset': String(offset), 'content-type': type }),
    body,
  });
}

const resumableFiles = (server) => {
  const dir = join(server.dataDir, 'uploads', 'resumable');
  return existsSync(dir) ? readdirSync(dir) : [];
};
// Whether the bytes of the upload at `location` are still on disk.
const hasFile = (server, location) =>
  resumableFiles(server).includes(location.split('/').pop());

for (const [backend, args] of backends) {
  describe(`tus uploads on ${backend}`, () => {
    let server;
    before(async () => {
      server = await startServer({
        args: [...args, '--max-upload-mb', '32', '--user-quota-mb', '40'],
        rateLimits: 'ip=100000,login=100000,upload=1000',
      });
    });
    after(async () => { await server.stop(); server.cleanup(); });

    test('OPTIONS advertises the version, extensions and maximum size', async () => {
      const res = await fetch(`${server.url}/api/v1/uploads`, { method: 'OPTIONS' });
      assert.equal(res.status, 204);
      assert.equal(res.headers.get('tus-version'), '1.0.0');
      assert.equal(res.headers.get('tus-resumable'), '1.0.0');
      assert.deepEqual(res.headers.get('tus-extension').split(','),
                       ['creation', 'expiration', 'termination']);
      assert.equal(res.headers.get('tus-max-size'), String(32 * 1024 * 1024));
    });

    test('tus-js-client uploads a file in chunks and it becomes an asset', async () => {
      const me = await newUser(server, 'tus');
      const bytes = mp4(5 * 1024 * 1024 + 123);
      const url = await tusUpload(server, me.access, bytes);
      const location = new URL(url).pathname;
      const status = await head(server, me.access, location);
      assert.equal(status.status, 200);
      assert.equal(status.headers.get('upload-offset'), String(bytes.length));
      const assetId = status.headers.get('upload-asset-id');
      assert.ok(assetId);
      const asset = await server.api('GET', `/api/v1/assets/${assetId}`, { token: me.access });
      assert.equal(asset.json.sha256, sha256(bytes));
      assert.equal(asset.json.contentType, 'video/mp4');
      assert.equal(asset.json.filename, 'clip.mp4');
      const content = await fetch(`${server.url}/api/v1/assets/${assetId}/content`,
                                  { headers: { authorization: `Bearer ${me.access}` } });
      assert.ok(Buffer.from(await content.arrayBuffer()).equals(bytes));
      assert.equal(hasFile(server, location), false);
    });

    test('a connection dropped mid-PATCH keeps its bytes; tus-js-client resumes from there', async () => {
      const me = await newUser(server, 'resume');
      const bytes = mp4(6 * 1024 * 1024, 3);
      const created = await create(server, me.access, bytes.length);
      assert.equal(created.status, 201);
      const location = created.headers.get('location');
      assert.match(location, /^\/api\/v1\/uploads\//);
      assert.ok(created.headers.get('upload-expires'));

      // Send 3 MiB of a PATCH announcing all 6, then drop the connection.
      await new Promise((resolve) => {
        const req = http.request(`${server.url}${location}`, {
          method: 'PATCH',
          headers: tusHeaders(me.access, { 'upload-offset': '0',
                                           'content-type': 'application/offset+octet-stream',
                                           'content-length': String(bytes.length) }),
        });
        req.on('error', () => resolve());
        req.write(bytes.subarray(0, 3 * 1024 * 1024), () => {
          waitFor('bytes to arrive', async () =>
            Number((await head(server, me.access, location)).headers.get('upload-offset')) > 0)
            .finally(() => { req.destroy(); resolve(); });
        });
      });
      const offset = await waitFor('the cut PATCH to end', async () => {
        const res = await head(server, me.access, location);
        const now = Number(res.headers.get('upload-offset'));
        // Settled once a PATCH from that offset is accepted (the dropped one has let go).
        const probe = await patch(server, me.access, location, now, Buffer.alloc(0));
        return probe.status === 204 ? now : 0;
      });
      assert.ok(offset > 0 && offset <= 3 * 1024 * 1024, `offset ${offset}`);

      const url = await tusUpload(server, me.access, bytes, { uploadUrl: `${server.url}${location}` });
      assert.equal(new URL(url).pathname, location);
      const done = await head(server, me.access, location);
      const asset = await server.api('GET', `/api/v1/assets/${done.headers.get('upload-asset-id')}`,
                                     { token: me.access });
      assert.equal(asset.json.sha256, sha256(bytes));
    });

    test('protocol errors: version, offset mismatch, content type, past the length, strangers', async () => {
      const me = await newUser(server, 'errors');
      const other = await newUser(server, 'stranger');
      const created = await create(server, me.access, 100000);
      const location = created.headers.get('location');

      const noVersion = await fetch(`${server.url}${location}`, {
        method: 'HEAD', headers: { authorization: `Bearer ${me.access}` },
      });
      assert.equal(noVersion.status, 412);
      assert.equal(noVersion.headers.get('tus-version'), '1.0.0');

      assert.equal((await patch(server, me.access, location, 0, mp4(1000))).status, 204);
      const mismatch = await patch(server, me.access, location, 0, mp4(1000));
      assert.equal(mismatch.status, 409);
      assert.equal(mismatch.headers.get('tus-resumable'), '1.0.0');
      assert.equal((await mismatch.json()).error.details.offset, 1000);

      const wrongType = await patch(server, me.access, location, 1000, Buffer.alloc(10),
                                    'application/octet-stream');
      assert.equal(wrongType.status, 415);

      const tooMuch = await patch(server, me.access, location, 1000, Buffer.alloc(200000));
      assert.equal(tooMuch.status, 400);
      assert.equal((await tooMuch.json()).error.code, 'exceeds_length');

      assert.equal((await head(server, other.access, location)).status, 404);
      assert.equal((await patch(server, other.access, location, 1000, Buffer.alloc(1))).status, 404);
      const anonymous = await fetch(`${server.url}${location}`,
                                    { method: 'HEAD', headers: { 'tus-resumable': '1.0.0' } });
      assert.equal(anonymous.status, 401);

      const noLength = await fetch(`${server.url}/api/v1/uploads`,
                                   { method: 'POST', headers: tusHeaders(me.access) });
      assert.equal(noLength.status, 400);
      const badType = await create(server, me.access, 10, `filetype ${b64('text/html')}`);
      assert.equal(badType.status, 415);
      const badMetadata = await create(server, me.access, 10, 'filename !!!notbase64');
      assert.equal(badMetadata.status, 400);
    });

    test('a file whose bytes do not match its type fails at completion and leaves nothing', async () => {
      const me = await newUser(server, 'spoof');
      const created = await create(server, me.access, 5000,
                                   `filename ${b64('x.png')},filetype ${b64('image/png')}`);
      const location = created.headers.get('location');
      const res = await patch(server, me.access, location, 0, mp4(5000));
      assert.equal(res.status, 415);
      assert.equal((await res.json()).error.code, 'type_mismatch');
      assert.equal((await head(server, me.access, location)).status, 404);
      const mine = await server.api('GET', '/api/v1/assets', { token: me.access });
      assert.equal(mine.json.items.length, 0);
      assert.equal(hasFile(server, location), false);
    });

    test('termination removes the upload and its bytes', async () => {
      const me = await newUser(server, 'terminate');
      const created = await create(server, me.access, 5000);
      const location = created.headers.get('location');
      await patch(server, me.access, location, 0, mp4(2000));
      assert.equal(hasFile(server, location), true);
      const deleted = await fetch(`${server.url}${location}`,
                                  { method: 'DELETE', headers: tusHeaders(me.access) });
      assert.equal(deleted.status, 204);
      assert.equal((await head(server, me.access, location)).status, 404);
      assert.equal(hasFile(server, location), false);
    });

    test('the quota counts announced lengths at creation', async () => {
      const me = await newUser(server, 'quota');
      const first = await create(server, me.access, 30 * 1024 * 1024);
      assert.equal(first.status, 201);
      const second = await create(server, me.access, 20 * 1024 * 1024);
      assert.equal(second.status, 413);
      assert.equal((await second.json()).error.code, 'quota_exceeded');
      const tooBig = await create(server, me.access, 33 * 1024 * 1024);
      assert.equal(tooBig.status, 413);
    });
  });
}

test('abandoned uploads expire and are swept with their bytes', async () => {
  const server = await startServer({ args: ['--upload-expiry-seconds', '1'],
                                     rateLimits: 'ip=100000,login=100000,upload=1000' });
  try {
    const me = await newUser(server, 'expire');
    const created = await create(server, me.access, 5000);
    const location = created.headers.get('location');
    assert.equal((await patch(server, me.access, location, 0, mp4(2000))).status, 204);
    assert.equal(resumableFiles(server).length, 1);
    // HEAD reports the expiry once it passes (and the upload goes); nothing became an asset.
    await waitFor('the upload to expire', async () =>
      (await head(server, me.access, location)).status === 410, 10000);
    assert.equal((await head(server, me.access, location)).status, 404);
    assert.deepEqual(resumableFiles(server), []);
    // The sweep also reclaims uploads nobody asks about again.
    const forgotten = await create(server, me.access, 5000);
    await patch(server, me.access, forgotten.headers.get('location'), 0, mp4(100));
    await waitFor('the forgotten upload to pass its expiry', async () =>
      Date.parse(forgotten.headers.get('upload-expires')) < Date.now() - 1000, 10000);
    await create(server, me.access, 10);  // a creation sweeps
    assert.equal(resumableFiles(server).length, 1);  // only the new one
    const mine = await server.api('GET', '/api/v1/assets', { token: me.access });
    assert.equal(mine.json.items.length, 0);
  } finally {
    await server.stop();
    server.cleanup();
  }
});
