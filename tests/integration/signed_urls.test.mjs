// Short-lived signed URLs for asset bytes through the real binary: the asset JSON carries a
// signed `contentUrl` (and `thumbnailUrls` once processed) that works without a token, as an
// <img> tag would fetch it; POST /api/v1/assets/{id}/url signs one derivative. A tampered,
// swapped or expired signature is 403; deleting the asset revokes its URLs (404).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, newUser, waitFor } from './harness.mjs';

const work = mkdtempSync(join(tmpdir(), 'od-signed-'));
const png = (() => {
  const path = join(work, 'red.png');
  execFileSync('ffmpeg', ['-nostdin', '-v', 'error', '-y', '-f', 'lavfi', '-i', 'color=c=red:s=120x80',
                          '-frames:v', '1', path]);
  return readFileSync(path);
})();
after(() => rmSync(work, { recursive: true, force: true }));

// A request without any credential, like a browser loading <img src>.
const anonymous = async (server, path) => {
  const res = await fetch(new URL(path, server.url));
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
};
const errorCode = (res) => JSON.parse(res.bytes.toString()).error.code;

describe('signed URLs for asset bytes', () => {
  let server;
  before(async () => {
    server = await startServer({ args: ['--thumbnail-sizes', '64,256', '--job-poll-ms', '50'],
                                 rateLimits: 'ip=100000,login=100000,upload=1000' });
  });
  after(async () => { await server.stop(); server.cleanup(); });

  async function upload(user, bytes = png) {
    const res = await server.api('POST', '/api/v1/assets',
                                 { token: user.access, body: bytes, headers: { 'content-type': 'image/png' } });
    assert.equal(res.status, 201, res.body);
    return res.json;
  }

  test('contentUrl reads a private asset without a token, until the asset is deleted', async () => {
    const me = await newUser(server, 'signed');
    const asset = await upload(me);
    assert.equal(typeof asset.contentUrl, 'string');
    const expiresAt = Date.parse(asset.contentUrlExpiresAt);
    assert.ok(expiresAt > Date.now() + 14 * 60 * 1000 && expiresAt <= Date.now() + 15 * 60 * 1000 + 1000);
    assert.equal((await anonymous(server, `/api/v1/assets/${asset.id}/content`)).status, 404);
    const res = await anonymous(server, asset.contentUrl);
    assert.equal(res.status, 200);
    assert.ok(res.bytes.equals(png));
    assert.equal(res.headers.get('cache-control'), 'private, no-cache, no-transform');
    // The same URL is in the metadata and the list.
    const listed = await server.api('GET', '/api/v1/assets', { token: me.access });
    assert.equal((await anonymous(server, listed.json.items[0].contentUrl)).status, 200);

    assert.equal((await server.api('DELETE', `/api/v1/assets/${asset.id}`, { token: me.access })).status, 204);
    assert.equal((await anonymous(server, asset.contentUrl)).status, 404);
  });

  test('a tampered, swapped or wrongly-scoped signature is 403', async () => {
    const me = await newUser(server, 'tamper');
    const a = await upload(me);
    const b = await upload(me, Buffer.concat([png, Buffer.alloc(0)]));
    const url = new URL(a.contentUrl, server.url);
    const forged = (change) => { const u = new URL(url); change(u); return u.pathname + u.search; };
    for (const path of [
      forged((u) => u.searchParams.set('sig', 'A'.repeat(43))),
      forged((u) => u.searchParams.set('expires', String(Number(u.searchParams.get('expires')) + 60))),
      forged((u) => u.searchParams.set('expires', '12x')),
      forged((u) => { u.pathname = u.pathname.replace(a.id, b.id); }),
      // Signed for the original, not for a thumbnail or a variant.
      forged((u) => { u.pathname = u.pathname.replace('/content', '/thumbnails/64'); }),
      forged((u) => u.searchParams.set('thumb', '64x64')),
    ]) {
      const res = await anonymous(server, path);
      assert.equal(res.status, 403, path);
      assert.equal(errorCode(res), 'invalid_signature', path);
    }
    assert.equal((await anonymous(server, url.pathname + url.search)).status, 200);
  });

  test('POST /url signs a thumbnail or an on-demand variant for readers only', async () => {
    const me = await newUser(server, 'variant');
    const other = await newUser(server, 'stranger');
    const created = await upload(me);
    const asset = await waitFor('processing', async () => {
      const res = await server.api('GET', `/api/v1/assets/${created.id}`, { token: me.access });
      return res.json.processing !== 'pending' && res.json;
    });
    assert.equal(asset.processing, 'done', JSON.stringify(asset.processingError));
    assert.deepEqual(Object.keys(asset.thumbnailUrls).sort(), ['256', '64']);
    const thumb = await anonymous(server, asset.thumbnailUrls['64']);
    assert.equal(thumb.status, 200);
    assert.match(thumb.headers.get('content-type'), /^image\//);

    const signed = await server.api('POST', `/api/v1/assets/${asset.id}/url`,
                                    { token: me.access, json: { thumb: '64x64', fit: 'crop' } });
    assert.equal(signed.status, 201, signed.body);
    assert.ok(Date.parse(signed.json.expiresAt) > Date.now());
    const variant = await anonymous(server, signed.json.url);
    assert.equal(variant.status, 200, variant.bytes.toString());
    assert.match(variant.headers.get('content-type'), /^image\//);
    // The fit is part of what was signed.
    const refit = new URL(signed.json.url, server.url);
    refit.searchParams.set('fit', 'fill');
    assert.equal((await anonymous(server, refit.pathname + refit.search)).status, 403);

    const plain = await server.api('POST', `/api/v1/assets/${asset.id}/url`, { token: me.access });
    assert.equal(plain.status, 201);
    assert.ok((await anonymous(server, plain.json.url)).bytes.equals(png));

    assert.equal((await server.api('POST', `/api/v1/assets/${asset.id}/url`, { token: other.access })).status, 404);
    assert.equal((await server.api('POST', `/api/v1/assets/${asset.id}/url`, {})).status, 401);
    for (const json of [{ thumb: 'big' }, { thumb: '64x64', thumbnail: 64 }, { fit: 'crop' },
                        { thumb: '64x64', fit: 'stretch' }, { thumbnail: 0 }, { other: 1 }]) {
      const res = await server.api('POST', `/api/v1/assets/${asset.id}/url`, { token: me.access, json });
      assert.equal(res.status, 400, JSON.stringify(json));
    }
  });
});

test('signed URLs expire after --signed-url-ttl-seconds', async () => {
  const server = await startServer({ args: ['--signed-url-ttl-seconds', '1'],
                                     rateLimits: 'ip=100000,login=100000,upload=1000' });
  try {
    const me = await newUser(server, 'expiry');
    const res = await server.api('POST', '/api/v1/assets',
                                 { token: me.access, body: png, headers: { 'content-type': 'image/png' } });
    const { contentUrl, contentUrlExpiresAt } = res.json;
    await waitFor('the URL to expire', () => Date.parse(contentUrlExpiresAt) < Date.now() - 1000, 10000);
    const expired = await anonymous(server, contentUrl);
    assert.equal(expired.status, 403);
    assert.equal(errorCode(expired), 'url_expired');
  } finally {
    await server.stop();
    server.cleanup();
  }
});
