// Assets through the real binary, on local disk and (when scripts/test.sh started s3rver and set
// OD_TEST_S3_URL) on S3: direct upload, metadata, download with Range and a strong ETag, type
// sniffing against spoofing, SVG sanitising, size limit and quota, the upload rate limit,
// authorization (owner, project viewer, stranger) and delete.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startServer, newUser } from './harness.mjs';

// A real 1x1 PNG and the start of a JPEG; the server decides by these bytes, not by names.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64');
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(100, 7)]);
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

const backends = [['local disk', []]];
if (process.env.OD_TEST_S3_URL) {
  backends.push(['S3', ['--s3-endpoint', process.env.OD_TEST_S3_URL,
                        '--s3-bucket', process.env.OD_TEST_S3_BUCKET || 'od-test',
                        '--s3-access-key', process.env.OD_TEST_S3_ACCESS_KEY || 'S3RVER',
                        '--s3-secret-key', process.env.OD_TEST_S3_SECRET_KEY || 'S3RVER']]);
}

async function upload(server, user, bytes, type, query = '') {
  return server.api('POST', `/api/v1/assets${query}`, {
    token: user.access, body: bytes, headers: { 'content-type': type },
  });
}

for (const [backend, args] of backends) {
  describe(`assets on ${backend}`, () => {
    let server;
    before(async () => {
      server = await startServer({
        args: [...args, '--max-upload-mb', '1', '--user-quota-mb', '2'],
        rateLimits: 'ip=100000,login=100000,upload=1000',
      });
    });
    after(async () => { await server.stop(); server.cleanup(); });

    test('upload, metadata, download, ETag and 304', async () => {
      const me = await newUser(server, 'uploader');
      const res = await upload(server, me, PNG, 'image/png', '?filename=../../etc/pass%0Awd.png');
      assert.equal(res.status, 201, res.body);
      assert.equal(res.json.contentType, 'image/png');
      assert.equal(res.json.size, PNG.length);
      assert.equal(res.json.sha256, sha256(PNG));
      assert.equal(res.json.status, 'ready');
      assert.equal(res.json.filename, 'pass_wd.png');
      const id = res.json.id;

      const meta = await server.api('GET', `/api/v1/assets/${id}`, { token: me.access });
      assert.equal(meta.status, 200);
      // Media processing (media.test.mjs) runs meanwhile: its fields may have moved on.
      const stable = ({ processing, processingError, media, ...rest }) => rest;
      assert.deepEqual(stable(meta.json), stable(res.json));

      const got = await fetch(`${server.url}/api/v1/assets/${id}/content`,
                              { headers: { authorization: `Bearer ${me.access}` } });
      assert.equal(got.status, 200);
      assert.equal(got.headers.get('content-type'), 'image/png');
      assert.equal(got.headers.get('etag'), `"${sha256(PNG)}"`);
      assert.equal(got.headers.get('accept-ranges'), 'bytes');
      assert.deepEqual(Buffer.from(await got.arrayBuffer()), PNG);

      const again = await server.api('GET', `/api/v1/assets/${id}/content`, {
        token: me.access, headers: { 'if-none-match': `"${sha256(PNG)}"` } });
      assert.equal(again.status, 304);
      assert.equal(again.body, '');
      const changed = await server.api('GET', `/api/v1/assets/${id}/content`, {
        token: me.access, headers: { 'if-none-match': '"something-else"' } });
      assert.equal(changed.status, 200);
    });

    test('byte ranges: 206 with Content-Range, suffix ranges, 416 past the end', async () => {
      const me = await newUser(server, 'ranger');
      const id = (await upload(server, me, PNG, 'image/png')).json.id;
      const get = (range) => fetch(`${server.url}/api/v1/assets/${id}/content`, {
        headers: { authorization: `Bearer ${me.access}`, range } });

      const part = await get('bytes=1-3');
      assert.equal(part.status, 206);
      assert.equal(part.headers.get('content-range'), `bytes 1-3/${PNG.length}`);
      assert.deepEqual(Buffer.from(await part.arrayBuffer()), PNG.subarray(1, 4));

      const suffix = await get('bytes=-4');
      assert.equal(suffix.status, 206);
      assert.deepEqual(Buffer.from(await suffix.arrayBuffer()), PNG.subarray(PNG.length - 4));

      const open = await get(`bytes=${PNG.length - 2}-`);
      assert.equal(open.status, 206);
      assert.deepEqual(Buffer.from(await open.arrayBuffer()), PNG.subarray(PNG.length - 2));

      const past = await get(`bytes=${PNG.length}-`);
      assert.equal(past.status, 416);
      assert.equal(past.headers.get('content-range'), `bytes */${PNG.length}`);

      const several = await get('bytes=0-1,4-5');  // not supported: the whole file
      assert.equal(several.status, 200);
      assert.equal(Buffer.from(await several.arrayBuffer()).length, PNG.length);
    });

    test('the type comes from the bytes: spoofing is refused, names do not matter', async () => {
      const me = await newUser(server, 'spoofer');
      const named = await upload(server, me, PNG, 'image/png', '?filename=photo.jpg');
      assert.equal(named.status, 201, named.body);
      assert.equal(named.json.contentType, 'image/png');

      const html = Buffer.from('<!doctype html><html><script>alert(1)</script></html>');
      const spoofed = await upload(server, me, html, 'image/png', '?filename=cat.png');
      assert.equal(spoofed.status, 415);
      assert.equal(spoofed.json.error.code, 'type_mismatch');

      const wrongImage = await upload(server, me, JPEG, 'image/png');
      assert.equal(wrongImage.status, 415);
      assert.equal(wrongImage.json.error.code, 'type_mismatch');
      assert.equal(wrongImage.json.error.details.detected, 'image/jpeg');

      const jpeg = await upload(server, me, JPEG, 'image/jpg');
      assert.equal(jpeg.status, 201, jpeg.body);
      assert.equal(jpeg.json.contentType, 'image/jpeg');

      const exe = await upload(server, me, Buffer.from('MZ\x90\x00'), 'application/x-msdownload');
      assert.equal(exe.status, 415);
      assert.equal(exe.json.error.code, 'unsupported_type');

      const empty = await upload(server, me, Buffer.alloc(0), 'image/png');
      assert.equal(empty.status, 400);

      // Nothing refused was stored.
      const mine = await server.api('GET', '/api/v1/assets', { token: me.access });
      assert.equal(mine.json.items.length, 2);
    });

    test('SVG is stored sanitised', async () => {
      const me = await newUser(server, 'svg');
      const svg = '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" ' +
        'xmlns:xlink="http://www.w3.org/1999/xlink" onload="alert(1)">' +
        '<script>alert(2)</script><rect width="10" height="10" fill="red" onclick="x()"/>' +
        '<a xlink:href="javascript:alert(3)"><text>hi</text></a>' +
        '<image href="https://evil.example/track.png"/><use href="#r"/>' +
        '<foreignObject><body xmlns="http://www.w3.org/1999/xhtml"><iframe src="x"/></body>' +
        '</foreignObject><circle style="fill:url(http://evil.example/x)" r="2"/></svg>';
      const res = await upload(server, me, Buffer.from(svg), 'image/svg+xml', '?filename=logo.svg');
      assert.equal(res.status, 201, res.body);
      const got = await server.api('GET', `/api/v1/assets/${res.json.id}/content`,
                                   { token: me.access, headers: { 'accept-encoding': 'identity' } });
      assert.equal(got.status, 200);
      assert.equal(got.headers.get('content-type'), 'image/svg+xml');
      assert.match(got.headers.get('content-security-policy'), /default-src 'none'/);
      const clean = got.body.toLowerCase();
      for (const bad of ['<script', 'onload', 'onclick', 'javascript:', 'evil.example',
                         'foreignobject', 'iframe', 'alert']) {
        assert.ok(!clean.includes(bad), `${bad} survived: ${got.body}`);
      }
      assert.ok(clean.includes('<rect width="10" height="10" fill="red"/>'), got.body);
      assert.ok(clean.includes('<use href="#r"/>'), got.body);
      assert.equal(res.json.sha256, sha256(Buffer.from(got.body)));

      const broken = await upload(server, me, Buffer.from('<svg><rect'), 'image/svg+xml');
      assert.equal(broken.status, 422);
      assert.equal(broken.json.error.code, 'invalid_svg');
    });

    test('size limit per file and quota per user: 413', async () => {
      const me = await newUser(server, 'quota');
      const big = Buffer.concat([PNG.subarray(0, 16), Buffer.alloc(1024 * 1024 + 1, 1)]);
      const tooBig = await upload(server, me, big, 'image/png');
      assert.equal(tooBig.status, 413);

      const part = (fill) => Buffer.concat([PNG.subarray(0, 16), Buffer.alloc(700 * 1024, fill)]);
      assert.equal((await upload(server, me, part(1), 'image/png')).status, 201);
      assert.equal((await upload(server, me, part(2), 'image/png')).status, 201);
      const over = await upload(server, me, part(3), 'image/png');
      assert.equal(over.status, 413);
      assert.equal(over.json.error.code, 'quota_exceeded');
      const mine = await server.api('GET', '/api/v1/assets', { token: me.access });
      assert.equal(mine.json.items.length, 2);

      // Deleting frees quota.
      assert.equal((await server.api('DELETE', `/api/v1/assets/${mine.json.items[0].id}`,
                                     { token: me.access })).status, 204);
      assert.equal((await upload(server, me, part(3), 'image/png')).status, 201);
    });

    test('owner, project collaborators and strangers', async () => {
      const owner = await newUser(server, 'owner');
      const viewer = await newUser(server, 'viewer');
      const stranger = await newUser(server, 'stranger');
      const project = await server.api('POST', '/api/v1/projects', {
        token: owner.access, json: { title: 'With assets' } });
      assert.equal(project.status, 201, project.body);
      const pid = project.json.id;
      const member = await server.api('POST', `/api/v1/projects/${pid}/members`, {
        token: owner.access, json: { userId: viewer.id, role: 'viewer' } });
      assert.equal(member.status, 201, member.body);

      const res = await upload(server, owner, PNG, 'image/png', `?projectId=${pid}`);
      assert.equal(res.status, 201, res.body);
      assert.equal(res.json.projectId, pid);
      const id = res.json.id;
      const unattached = (await upload(server, owner, JPEG, 'image/jpeg')).json.id;

      // The viewer reads the project's asset but cannot delete it or add to the project.
      assert.equal((await server.api('GET', `/api/v1/assets/${id}`, { token: viewer.access })).status, 200);
      assert.equal((await server.api('GET', `/api/v1/assets/${id}/content`,
                                     { token: viewer.access })).status, 200);
      const listed = await server.api('GET', `/api/v1/assets?projectId=${pid}`, { token: viewer.access });
      assert.equal(listed.status, 200);
      assert.deepEqual(listed.json.items.map((a) => a.id), [id]);
      assert.equal((await server.api('DELETE', `/api/v1/assets/${id}`, { token: viewer.access })).status, 403);
      assert.equal((await upload(server, viewer, PNG, 'image/png', `?projectId=${pid}`)).status, 403);
      // The owner's unattached asset is theirs alone.
      assert.equal((await server.api('GET', `/api/v1/assets/${unattached}`,
                                     { token: viewer.access })).status, 404);

      // A stranger learns nothing.
      for (const path of [`/api/v1/assets/${id}`, `/api/v1/assets/${id}/content`,
                          `/api/v1/assets?projectId=${pid}`]) {
        const r = await server.api('GET', path, { token: stranger.access });
        assert.equal(r.status, 404, path);
      }
      assert.equal((await server.api('DELETE', `/api/v1/assets/${id}`, { token: stranger.access })).status, 404);
      assert.equal((await upload(server, stranger, PNG, 'image/png', `?projectId=${pid}`)).status, 404);
      assert.equal((await server.api('GET', `/api/v1/assets/${id}`)).status, 404);
      assert.equal((await server.api('POST', '/api/v1/assets', { body: PNG })).status, 401);
    });

    test('assets of a public project: anyone reads them, and caches keep them for good', async () => {
      const owner = await newUser(server, 'publisher');
      const stranger = await newUser(server, 'reader');
      const project = await server.api('POST', '/api/v1/projects', {
        token: owner.access, json: { title: 'Open', isPublic: true } });
      assert.equal(project.status, 201, project.body);
      const id = (await upload(server, owner, PNG, 'image/png', `?projectId=${project.json.id}`)).json.id;
      for (const token of [stranger.access, undefined]) {
        const meta = await server.api('GET', `/api/v1/assets/${id}`, { token });
        assert.equal(meta.status, 200, meta.body);
        const content = await fetch(`${server.url}/api/v1/assets/${id}/content`,
                                    { headers: token ? { authorization: `Bearer ${token}` } : {} });
        assert.equal(content.status, 200);
        assert.equal(sha256(Buffer.from(await content.arrayBuffer())), sha256(PNG));
        assert.equal(content.headers.get('cache-control'), 'public, max-age=31536000, immutable');
        // Reading is all: only the owner deletes.
        assert.equal((await server.api('DELETE', `/api/v1/assets/${id}`, { token })).status,
                     token ? 403 : 401);
      }
      // A private project's asset keeps its private caching, for its owner too.
      const closed = await server.api('POST', '/api/v1/projects', {
        token: owner.access, json: { title: 'Closed' } });
      const hidden = (await upload(server, owner, PNG, 'image/png', `?projectId=${closed.json.id}`)).json.id;
      const own = await server.api('GET', `/api/v1/assets/${hidden}/content`, { token: owner.access });
      assert.equal(own.headers.get('cache-control'), 'private, no-cache, no-transform');
      assert.equal((await server.api('GET', `/api/v1/assets/${hidden}`)).status, 404);
      // Made private again, the project's assets are no longer anyone's to read.
      const closing = await server.api('PATCH', `/api/v1/projects/${project.json.id}`, {
        token: owner.access, json: { isPublic: false } });
      assert.equal(closing.status, 200, closing.body);
      assert.equal((await server.api('GET', `/api/v1/assets/${id}`, { token: stranger.access })).status, 404);
    });

    test('delete removes the asset; identical bytes of another asset stay', async () => {
      const a = await newUser(server, 'dup-a');
      const b = await newUser(server, 'dup-b');
      const first = (await upload(server, a, JPEG, 'image/jpeg')).json;
      const second = (await upload(server, b, JPEG, 'image/jpeg')).json;
      assert.equal(first.sha256, second.sha256);
      assert.equal((await server.api('DELETE', `/api/v1/assets/${first.id}`, { token: a.access })).status, 204);
      assert.equal((await server.api('GET', `/api/v1/assets/${first.id}`, { token: a.access })).status, 404);
      const still = await fetch(`${server.url}/api/v1/assets/${second.id}/content`,
                                { headers: { authorization: `Bearer ${b.access}` } });
      assert.equal(still.status, 200);
      assert.deepEqual(Buffer.from(await still.arrayBuffer()), JPEG);
      assert.equal((await server.api('DELETE', `/api/v1/assets/${first.id}`, { token: a.access })).status, 404);
    });

    test('lists page by page', async () => {
      const me = await newUser(server, 'lister');
      const ids = [];
      for (let i = 0; i < 3; i++) {
        const bytes = Buffer.concat([JPEG, Buffer.from([i])]);
        ids.push((await upload(server, me, bytes, 'image/jpeg')).json.id);
      }
      const first = await server.api('GET', '/api/v1/assets?limit=2', { token: me.access });
      assert.equal(first.status, 200);
      assert.deepEqual(first.json.items.map((a) => a.id), [ids[2], ids[1]]);
      const next = await server.api('GET', `/api/v1/assets?limit=2&cursor=${first.json.nextCursor}`,
                                    { token: me.access });
      assert.deepEqual(next.json.items.map((a) => a.id), [ids[0]]);
      assert.equal(next.json.nextCursor, null);
      assert.equal((await server.api('GET', '/api/v1/assets?limit=1000', { token: me.access })).status, 400);
    });
  });
}

test('uploads are rate limited per user (rule "upload")', async () => {
  const server = await startServer({ rateLimits: 'ip=100000,login=100000,upload=2' });
  try {
    const me = await newUser(server, 'rate');
    assert.equal((await upload(server, me, PNG, 'image/png')).status, 201);
    assert.equal((await upload(server, me, PNG, 'image/png')).status, 201);
    const limited = await upload(server, me, PNG, 'image/png');
    assert.equal(limited.status, 429);
    assert.ok(limited.headers.get('retry-after'));
    // Reads are not in the upload class.
    assert.equal((await server.api('GET', '/api/v1/assets', { token: me.access })).status, 200);
  } finally {
    await server.stop();
    server.cleanup();
  }
});
