// Presigned uploads through the real binary, on local disk and (when scripts/test.sh started
// s3rver) S3: presign -> PUT to the URL without a token -> complete; tampered, expired and
// reused URLs; size and type mismatches found at completion; pending uploads stay invisible;
// quota. On local disk the URL is on this server; on S3 it is an S3 presigned PUT of a staging
// object, sent with plain fetch straight to the bucket (s3rver behind sigv4-check.mjs, which
// refuses what AWS would refuse).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createHash } from 'node:crypto';
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, newUser, waitFor } from './harness.mjs';
import { s3Object } from '../support/s3-objects.mjs';

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64');

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

const presign = (server, user, json) =>
  server.api('POST', '/api/v1/assets/presign', { token: user.access, json });
// The URL is a path on this server (local disk) or absolute (S3).
const put = (server, url, body, headers = {}) =>
  fetch(new URL(url, server.url), { method: 'PUT', body, headers });
// A PUT the way the grant says: to its URL, with its headers.
const upload = (server, grant, body) => put(server, grant.json.uploadUrl, body, grant.json.headers);
const complete = (server, user, assetId) =>
  server.api('POST', '/api/v1/assets/complete', { token: user.access, json: { assetId } });
const stagingFiles = (server) => {
  const dir = join(server.dataDir, 'uploads', 'presigned');
  return existsSync(dir) ? readdirSync(dir) : [];
};

for (const [backend, args] of backends) {
  describe(`presigned uploads on ${backend}`, () => {
    let server;
    before(async () => {
      server = await startServer({
        args: [...args, '--max-upload-mb', '16', '--user-quota-mb', '20'],
        rateLimits: 'ip=100000,login=100000,upload=1000',
      });
    });
    after(async () => { await server.stop(); server.cleanup(); });

    test('presign, PUT without a token, complete: the asset has the promised id', async () => {
      const me = await newUser(server, 'presign');
      const bytes = mp4(3 * 1024 * 1024);
      const grant = await presign(server, me, { filename: 'clip.mp4', contentType: 'video/mp4',
                                                size: bytes.length });
      assert.equal(grant.status, 201, grant.body);
      assert.equal(grant.json.method, 'PUT');
      assert.equal(grant.json.headers['Content-Type'], 'video/mp4');
      assert.ok(Date.parse(grant.json.expiresAt) > Date.now());
      const { assetId, uploadUrl } = grant.json;

      // Pending: neither listed nor readable.
      assert.equal((await server.api('GET', `/api/v1/assets/${assetId}`, { token: me.access })).status, 404);
      assert.equal((await complete(server, me, assetId)).status, 409);

      const sent = await put(server, uploadUrl, bytes, { 'content-type': 'video/mp4' });
      assert.equal(sent.status, 200);
      assert.equal((await server.api('GET', '/api/v1/assets', { token: me.access })).json.items.length, 0);

      const done = await complete(server, me, assetId);
      assert.equal(done.status, 201, done.body);
      assert.equal(done.json.id, assetId);
      assert.equal(done.json.sha256, sha256(bytes));
      assert.equal(done.json.size, bytes.length);
      const content = await fetch(`${server.url}/api/v1/assets/${assetId}/content`,
                                  { headers: { authorization: `Bearer ${me.access}` } });
      assert.ok(Buffer.from(await content.arrayBuffer()).equals(bytes));
      assert.equal((await complete(server, me, assetId)).status, 404);  // once
    });

    test('a spoofed type is found at completion and discards the upload', async () => {
      const me = await newUser(server, 'spoof');
      const spoof = await presign(server, me, { filename: 'd.png', contentType: 'image/png', size: 4000 });
      assert.equal((await upload(server, spoof, mp4(4000))).status, 200);
      const refused = await complete(server, me, spoof.json.assetId);
      assert.equal(refused.status, 415);
      assert.equal(refused.json.error.code, 'type_mismatch');
      assert.equal((await complete(server, me, spoof.json.assetId)).status, 404);
      assert.equal((await server.api('GET', '/api/v1/assets', { token: me.access })).json.items.length, 0);
      if (backend === 'S3') assert.equal((await s3Object(`staging/${spoof.json.assetId}`)).status, 404);
      else assert.ok(!stagingFiles(server).includes(spoof.json.assetId));
    });

    test('only the owner completes; bad requests are refused; pending sizes count against the quota', async () => {
      const me = await newUser(server, 'owner');
      const other = await newUser(server, 'other');
      const grant = await presign(server, me, { filename: 'a.png', contentType: 'image/png', size: PNG.length });
      assert.equal((await upload(server, grant, PNG)).status, 200);
      assert.equal((await complete(server, other, grant.json.assetId)).status, 404);
      assert.equal((await complete(server, me, grant.json.assetId)).status, 201);

      assert.equal((await presign(server, me, { filename: 'x', contentType: 'text/html', size: 5 })).status, 415);
      assert.equal((await presign(server, me, { filename: 'x', contentType: 'image/png', size: 0 })).status, 400);
      assert.equal((await presign(server, me, { filename: 'x', contentType: 'image/png', size: 5, extra: 1 })).status, 400);
      assert.equal((await presign(server, me, { filename: 'x', contentType: 'image/png', size: 17 * 1024 * 1024 })).status, 400);
      assert.equal((await server.api('POST', '/api/v1/assets/presign',
                                     { json: { filename: 'x', contentType: 'image/png', size: 5 } })).status, 401);

      assert.equal((await presign(server, me, { filename: 'x', contentType: 'video/mp4', size: 15 * 1024 * 1024 })).status, 201);
      const over = await presign(server, me, { filename: 'y', contentType: 'video/mp4', size: 6 * 1024 * 1024 });
      assert.equal(over.status, 413);
      assert.equal(over.json.error.code, 'quota_exceeded');
    });
  });
}

describe('presigned uploads on local disk: URLs on this server', () => {
  let server;
  before(async () => {
    server = await startServer({ args: ['--max-upload-mb', '16'],
                                 rateLimits: 'ip=100000,login=100000,upload=1000' });
  });
  after(async () => { await server.stop(); server.cleanup(); });

  test('a tampered URL is refused; a used one cannot be used again', async () => {
    const me = await newUser(server, 'tamper');
    const grant = await presign(server, me, { filename: 'a.png', contentType: 'image/png',
                                              size: PNG.length });
    const url = new URL(grant.json.uploadUrl, server.url);
    for (const [key, value] of [['size', String(PNG.length + 1)], ['expires', '9999999999'],
                                ['signature', 'A'.repeat(43)]]) {
      const forged = new URL(url);
      forged.searchParams.set(key, value);
      const res = await put(server, forged.pathname + forged.search, PNG);
      assert.equal(res.status, 403, key);
      assert.equal((await res.json()).error.code, 'invalid_signature');
    }
    // Another upload's id with this signature.
    const other = await presign(server, me, { filename: 'b.png', contentType: 'image/png',
                                              size: PNG.length });
    const swapped = `${new URL(other.json.uploadUrl, server.url).pathname}${url.search}`;
    assert.equal((await put(server, swapped, PNG)).status, 403);

    assert.equal((await put(server, grant.json.uploadUrl, PNG)).status, 200);
    const again = await put(server, grant.json.uploadUrl, PNG);
    assert.equal(again.status, 409);
    assert.equal((await again.json()).error.code, 'already_uploaded');
  });

  test('a size mismatch is found at completion and discards the upload', async () => {
    const me = await newUser(server, 'mismatch');
    // Chunked (no Content-Length): fewer bytes than declared reach the server.
    const short = await presign(server, me, { filename: 'c.mp4', contentType: 'video/mp4', size: 5000 });
    const sent = await new Promise((resolve, reject) => {
      const req = http.request(`${server.url}${short.json.uploadUrl}`, { method: 'PUT' },
                               (res) => { res.resume(); resolve(res.statusCode); });
      req.on('error', reject);
      req.end(mp4(4000));
    });
    assert.equal(sent, 200);
    const res = await complete(server, me, short.json.assetId);
    assert.equal(res.status, 422);
    assert.equal(res.json.error.code, 'size_mismatch');
    assert.equal((await complete(server, me, short.json.assetId)).status, 404);

    const tooLong = await presign(server, me, { filename: 'e.png', contentType: 'image/png', size: 10 });
    assert.equal((await put(server, tooLong.json.uploadUrl, PNG)).status, 413);

    assert.equal((await server.api('GET', '/api/v1/assets', { token: me.access })).json.items.length, 0);
    assert.ok(!stagingFiles(server).includes(short.json.assetId));
  });
});

const s3Args = backends.find(([name]) => name === 'S3')?.[1];
if (s3Args) {
  describe('presigned uploads on S3: straight to the bucket', () => {
    let server;
    before(async () => {
      server = await startServer({ args: [...s3Args, '--max-upload-mb', '16'],
                                   rateLimits: 'ip=100000,login=100000,upload=1000' });
    });
    after(async () => { await server.stop(); server.cleanup(); });

    test('the URL is an S3 presigned PUT of a staging object; S3 refuses another type or size or a tampered URL', async () => {
      const me = await newUser(server, 'direct');
      const grant = await presign(server, me, { filename: 'a.png', contentType: 'image/png', size: PNG.length });
      assert.equal(grant.status, 201, grant.body);
      const { assetId, uploadUrl, headers } = grant.json;
      const url = new URL(uploadUrl);
      assert.equal(url.origin, new URL(process.env.OD_TEST_S3_URL).origin);
      assert.match(url.pathname, new RegExp(`/staging/${assetId}$`));
      assert.equal(url.searchParams.get('X-Amz-SignedHeaders'), 'content-length;content-type;host');
      assert.deepEqual(headers, { 'Content-Type': 'image/png' });

      assert.equal((await put(server, uploadUrl, PNG, { 'content-type': 'video/mp4' })).status, 403);
      assert.equal((await put(server, uploadUrl, Buffer.concat([PNG, Buffer.from('x')]), headers)).status, 403);
      const longer = new URL(url);
      longer.searchParams.set('X-Amz-Expires', '999999');
      assert.equal((await put(server, longer.href, PNG, headers)).status, 403);
      const elsewhere = new URL(url);
      elsewhere.pathname = elsewhere.pathname.replace(`staging/${assetId}`, 'blobs/x');
      assert.equal((await put(server, elsewhere.href, PNG, headers)).status, 403);
      assert.equal((await s3Object(`staging/${assetId}`, 'HEAD')).status, 404);
      const early = await complete(server, me, assetId);
      assert.equal(early.status, 409);
      assert.equal(early.json.error.code, 'not_uploaded');

      assert.equal((await upload(server, grant, PNG)).status, 200);
      assert.equal((await s3Object(`staging/${assetId}`)).status, 200);
      const done = await complete(server, me, assetId);
      assert.equal(done.status, 201, done.body);
      assert.equal(done.json.sha256, sha256(PNG));
      assert.equal((await s3Object(`staging/${assetId}`, 'HEAD')).status, 404);
      const content = await fetch(`${server.url}/api/v1/assets/${assetId}/content`,
                                  { headers: { authorization: `Bearer ${me.access}` } });
      assert.ok(Buffer.from(await content.arrayBuffer()).equals(PNG));
    });

    test('an SVG sent straight to S3 is sanitised at completion', async () => {
      const me = await newUser(server, 'svg');
      const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script>' +
                              '<rect width="1" height="1" onclick="x()"/></svg>');
      const grant = await presign(server, me, { filename: 'x.svg', contentType: 'image/svg+xml', size: svg.length });
      assert.equal((await upload(server, grant, svg)).status, 200);
      const done = await complete(server, me, grant.json.assetId);
      assert.equal(done.status, 201, done.body);
      const content = await fetch(`${server.url}/api/v1/assets/${grant.json.assetId}/content`,
                                  { headers: { authorization: `Bearer ${me.access}` } });
      const text = await content.text();
      assert.ok(text.includes('<rect'), text);
      assert.ok(!text.includes('script') && !text.includes('onclick'), text);
    });
  });

  test('S3 presigned URLs expire', async () => {
    const server = await startServer({ args: [...s3Args, '--upload-expiry-seconds', '1'],
                                       rateLimits: 'ip=100000,login=100000,upload=1000' });
    try {
      const me = await newUser(server, 'expire');
      const grant = await presign(server, me, { filename: 'a.png', contentType: 'image/png', size: PNG.length });
      await waitFor('the URL to expire', () => Date.parse(grant.json.expiresAt) < Date.now() - 1000, 10000);
      assert.equal((await upload(server, grant, PNG)).status, 403);
      assert.equal((await s3Object(`staging/${grant.json.assetId}`, 'HEAD')).status, 404);
      assert.equal((await complete(server, me, grant.json.assetId)).status, 409);
    } finally {
      await server.stop();
      server.cleanup();
    }
  });
}

test('presigned URLs expire', async () => {
  const server = await startServer({ args: ['--upload-expiry-seconds', '1'],
                                     rateLimits: 'ip=100000,login=100000,upload=1000' });
  try {
    const me = await newUser(server, 'expire');
    const grant = await presign(server, me, { filename: 'a.png', contentType: 'image/png', size: PNG.length });
    await waitFor('the URL to expire', () => Date.parse(grant.json.expiresAt) < Date.now() - 1000, 10000);
    const res = await put(server, grant.json.uploadUrl, PNG);
    assert.equal(res.status, 403);
    assert.equal((await res.json()).error.code, 'url_expired');
    assert.equal((await server.api('GET', '/api/v1/assets', { token: me.access })).json.items.length, 0);
  } finally {
    await server.stop();
    server.cleanup();
  }
});

test('presigning and tus creation share the per-user upload rate limit with direct uploads', async () => {
  const server = await startServer({ rateLimits: 'ip=100000,login=100000,upload=2' });
  try {
    const me = await newUser(server, 'rate');
    const direct = await server.api('POST', '/api/v1/assets',
                                    { token: me.access, body: PNG, headers: { 'content-type': 'image/png' } });
    assert.equal(direct.status, 201);
    const grant = await presign(server, me, { filename: 'a.png', contentType: 'image/png', size: PNG.length });
    assert.equal(grant.status, 201);
    const limited = await presign(server, me, { filename: 'b.png', contentType: 'image/png', size: PNG.length });
    assert.equal(limited.status, 429);
    assert.ok(limited.headers.get('retry-after'));
    const tus = await fetch(`${server.url}/api/v1/uploads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${me.access}`, 'tus-resumable': '1.0.0', 'upload-length': '10' },
    });
    assert.equal(tus.status, 429);
    // Another user has a budget of their own.
    const other = await newUser(server, 'rate2');
    assert.equal((await presign(server, other, { filename: 'c.png', contentType: 'image/png',
                                                 size: PNG.length })).status, 201);
  } finally {
    await server.stop();
    server.cleanup();
  }
});
