// Media processing through the real binary: metadata and palette after the `asset.process` job,
// thumbnails and on-demand variants (sizes from --thumbnail-sizes, formats by Accept, cached),
// EXIF orientation, hostile files (truncated, corrupt, a decompression bomb) failing only their
// asset, videos (poster, keyframe strip), and derivative blobs going with their asset.
// Fixtures are made at test time with Debian's ffmpeg; responses are decoded with vipsheader.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, newUser, waitFor, databaseKind } from './harness.mjs';

const work = mkdtempSync(join(tmpdir(), 'od-media-'));

// Runs ffmpeg with a lavfi source; returns the file's bytes.
function ffmpeg(name, args) {
  const path = join(work, name);
  execFileSync('ffmpeg', ['-nostdin', '-v', 'error', '-y', ...args, path]);
  return readFileSync(path);
}

// Width, height and loader of encoded image bytes, as libvips reads them.
function decode(bytes) {
  const path = join(work, `decode-${Math.random().toString(16).slice(2)}`);
  writeFileSync(path, bytes);
  const field = (f) => execFileSync('vipsheader', ['-f', f, path]).toString().trim();
  const out = { width: Number(field('width')), height: Number(field('height')),
                loader: field('vips-loader') };
  rmSync(path);
  return out;
}

// A JPEG with an EXIF APP1 segment saying orientation `value`, inserted after SOI.
function withOrientation(jpeg, value) {
  const tiff = Buffer.from([0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 8, 0, 1,
                            0x01, 0x12, 0x00, 0x03, 0, 0, 0, 1, 0, value, 0, 0,
                            0, 0, 0, 0]);
  const body = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const header = Buffer.from([0xff, 0xe1, (body.length + 2) >> 8, (body.length + 2) & 0xff]);
  return Buffer.concat([jpeg.subarray(0, 2), header, body, jpeg.subarray(2)]);
}

// PNG CRC-32, for hand-made chunks.
function crc32(bytes) {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(8 + data.length + 4);
  out.writeUInt32BE(data.length, 0);
  typed.copy(out, 4);
  out.writeUInt32BE(crc32(typed), 8 + data.length);
  return out;
}
// A 100-byte PNG declaring 50000 x 50000 RGB pixels (7.5 GB decoded).
function bombPng() {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(50000, 0);
  ihdr.writeUInt32BE(50000, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
                        chunk('IHDR', ihdr),
                        chunk('IDAT', Buffer.from([0x78, 0x9c, 0x63, 0, 0, 0, 1, 0, 1])),
                        chunk('IEND', Buffer.alloc(0))]);
}

let halvesPng, rotatedJpeg, noiseJpeg, noisePng, clipMp4;
before(() => {
  // 600x400: red left half, blue right half.
  halvesPng = ffmpeg('halves.png', ['-f', 'lavfi', '-i', 'color=c=red:s=300x400',
                                    '-f', 'lavfi', '-i', 'color=c=blue:s=300x400',
                                    '-filter_complex', 'hstack', '-frames:v', '1']);
  // 400x200 stored, displayed 200x400 once EXIF orientation 6 is applied.
  rotatedJpeg = withOrientation(
      ffmpeg('wide.jpg', ['-f', 'lavfi', '-i', 'color=c=green:s=400x200', '-frames:v', '1']), 6);
  noiseJpeg = ffmpeg('noise.jpg', ['-f', 'lavfi', '-i', 'cellauto=s=640x480', '-frames:v', '1']);
  noisePng = ffmpeg('noise.png', ['-f', 'lavfi', '-i', 'cellauto=s=640x480', '-frames:v', '1']);
  clipMp4 = ffmpeg('clip.mp4', ['-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=25', '-t', '2',
                                '-g', '25', '-c:v', 'libx264', '-pix_fmt', 'yuv420p']);
});
after(() => rmSync(work, { recursive: true, force: true }));

describe('media processing', () => {
  let server;
  before(async () => {
    server = await startServer({
      args: ['--thumbnail-sizes', '64,256', '--job-poll-ms', '50'],
      rateLimits: 'ip=100000,login=100000,upload=1000',
    });
  });
  after(async () => { await server.stop(); server.cleanup(); });

  async function upload(user, bytes, type, query = '') {
    const res = await server.api('POST', `/api/v1/assets${query}`, {
      token: user.access, body: bytes, headers: { 'content-type': type } });
    assert.equal(res.status, 201, res.body);
    return res.json;
  }
  // The asset once its processing is no longer pending.
  async function processed(user, id) {
    return waitFor(`asset ${id} processed`, async () => {
      const res = await server.api('GET', `/api/v1/assets/${id}`, { token: user.access });
      return res.json.processing !== 'pending' && res.json;
    });
  }
  async function get(user, path, headers = {}) {
    const res = await fetch(server.url + path,
                            { headers: { authorization: `Bearer ${user.access}`, ...headers } });
    return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
  }

  test('metadata, palette and thumbnails after processing', async () => {
    const me = await newUser(server, 'media');
    const created = await upload(me, halvesPng, 'image/png');
    assert.equal(created.processing, 'pending');
    const asset = await processed(me, created.id);
    assert.equal(asset.processing, 'done', JSON.stringify(asset.processingError));
    assert.equal(asset.processingError, null);
    const media = asset.media;
    assert.equal(media.kind, 'image');
    assert.equal(media.width, 600);
    assert.equal(media.height, 400);
    assert.equal(media.colourSpace, 'srgb');
    assert.equal(media.hasAlpha, false);
    const colours = media.palette.map((s) => s.hex);
    assert.ok(colours.includes('#ff0000') && colours.includes('#0000ff'), colours.join());
    assert.ok(media.palette.length <= 8);
    const names = media.derivatives.map((d) => d.name).sort();
    assert.deepEqual(names, ['thumb-256.jpeg', 'thumb-256.webp', 'thumb-64.jpeg', 'thumb-64.webp']);

    const webp = await get(me, `/api/v1/assets/${asset.id}/thumbnails/256`, { accept: 'image/webp' });
    assert.equal(webp.status, 200);
    assert.equal(webp.headers.get('content-type'), 'image/webp');
    assert.deepEqual(decode(webp.bytes), { width: 256, height: 171, loader: 'webpload' });
    assert.match(webp.headers.get('etag'), /^"[0-9a-f]{64}"$/);
    assert.equal(webp.headers.get('cache-control'), 'private, no-cache, no-transform');
    assert.equal(webp.headers.get('vary'), 'Accept');

    const jpeg = await get(me, `/api/v1/assets/${asset.id}/thumbnails/64`,
                           { accept: 'image/jpeg,image/*;q=0.5' });
    assert.equal(jpeg.headers.get('content-type'), 'image/jpeg');
    assert.deepEqual(decode(jpeg.bytes), { width: 64, height: 43, loader: 'jpegload' });

    // Conditional and partial requests against the strong ETag.
    const etag = webp.headers.get('etag');
    const again = await get(me, `/api/v1/assets/${asset.id}/thumbnails/256`,
                            { accept: 'image/webp', 'if-none-match': etag });
    assert.equal(again.status, 304);
    const part = await get(me, `/api/v1/assets/${asset.id}/thumbnails/256`,
                           { accept: 'image/webp', range: 'bytes=0-3' });
    assert.equal(part.status, 206);
    assert.equal(part.bytes.toString('latin1'), 'RIFF');
    assert.equal(part.headers.get('content-range'), `bytes 0-3/${webp.bytes.length}`);

    for (const size of ['100', '0', 'abc', '99999999']) {
      const bad = await server.api('GET', `/api/v1/assets/${asset.id}/thumbnails/${size}`,
                                   { token: me.access });
      assert.equal(bad.status, 400, size);
      assert.equal(bad.json.error.code, 'size_not_allowed');
      assert.deepEqual(bad.json.error.details.allowed, [64, 256]);
    }
    const refused = await server.api('GET', `/api/v1/assets/${asset.id}/thumbnails/64`,
                                     { token: me.access, headers: { accept: 'image/png' } });
    assert.equal(refused.status, 406);

    // asset.process is the server's own job type: clients can neither submit nor see it.
    const submitted = await server.api('POST', '/api/v1/ai/jobs', {
      token: me.access, json: { type: 'asset.process', input: { assetId: asset.id } } });
    assert.equal(submitted.status, 422, submitted.body);
    assert.equal(submitted.json.error.code, 'unknown_job_type');
    const capabilities = await server.api('GET', '/api/v1/ai/capabilities', { token: me.access });
    assert.ok(!capabilities.json.jobTypes.some((t) => t.type === 'asset.process'));
  });

  test('concurrent requests for one new variant share one render', async () => {
    const me = await newUser(server, 'flights');
    const { id } = await upload(me, halvesPng, 'image/png');
    assert.equal((await processed(me, id)).processing, 'done');
    const path = `/api/v1/assets/${id}/content?thumb=256x256&fit=fill`;
    // Five at once: the leader and up to four waiters (the bound); without sharing, two would
    // render and the rest be refused 503 (two renders at a time).
    const answers = await Promise.all(Array.from({ length: 5 }, () => get(me, path, { accept: 'image/jpeg' })));
    assert.deepEqual(answers.map((a) => a.status), [200, 200, 200, 200, 200]);
    assert.equal(answers.filter((a) => a.headers.get('x-variant-cache') === 'miss').length, 1);
    assert.equal(new Set(answers.map((a) => a.headers.get('etag'))).size, 1);
    const renders = server.logs.filter((l) => l.msg === 'variant_rendered' && l.assetId === id);
    assert.equal(renders.length, 1);
  });

  test('on-demand variants: fit modes, Accept, generated once, sizes from the set only', async () => {
    const me = await newUser(server, 'variants');
    const { id } = await upload(me, halvesPng, 'image/png');
    assert.equal((await processed(me, id)).processing, 'done');
    const path = (q) => `/api/v1/assets/${id}/content?${q}`;

    const first = await get(me, path('thumb=64x64&fit=crop'), { accept: 'image/png' });
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('content-type'), 'image/png');
    assert.equal(first.headers.get('x-variant-cache'), 'miss');
    assert.deepEqual(decode(first.bytes), { width: 64, height: 64, loader: 'pngload' });
    const second = await get(me, path('thumb=64x64&fit=crop'), { accept: 'image/png' });
    assert.equal(second.headers.get('x-variant-cache'), 'hit');
    assert.equal(second.headers.get('etag'), first.headers.get('etag'));
    assert.deepEqual(second.bytes, first.bytes);

    const fill = await get(me, path('thumb=64x256&fit=fill'), { accept: 'image/webp' });
    assert.deepEqual(decode(fill.bytes), { width: 64, height: 256, loader: 'webpload' });
    const fit = await get(me, path('thumb=256x64'), { accept: 'image/jpeg' });
    assert.deepEqual(decode(fit.bytes), { width: 96, height: 64, loader: 'jpegload' });
    const any = await get(me, path('thumb=64x64'), { accept: '*/*' });
    assert.equal(any.headers.get('content-type'), 'image/webp');

    for (const [query, code] of [['thumb=100x100', 'size_not_allowed'],
                                 ['thumb=64x65', 'size_not_allowed'],
                                 ['thumb=64', 'validation_failed'],
                                 ['thumb=64x64&fit=zoom', 'validation_failed']]) {
      const bad = await server.api('GET', path(query), { token: me.access });
      assert.equal(bad.status, 400, query);
      assert.equal(bad.json.error.code, code, query);
    }
    const html = await server.api('GET', path('thumb=64x64'),
                                  { token: me.access, headers: { accept: 'text/html' } });
    assert.equal(html.status, 406);
    // Without thumb, /content is still the original bytes.
    const original = await get(me, `/api/v1/assets/${id}/content`);
    assert.deepEqual(original.bytes, halvesPng);
    // Strangers learn nothing.
    const stranger = await newUser(server, 'stranger');
    assert.equal((await get(stranger, path('thumb=64x64'))).status, 404);
    assert.equal((await get(stranger, `/api/v1/assets/${id}/thumbnails/64`)).status, 404);
  });

  test('EXIF orientation is applied to dimensions and thumbnails', async () => {
    const me = await newUser(server, 'exif');
    const { id } = await upload(me, rotatedJpeg, 'image/jpeg');
    const asset = await processed(me, id);
    assert.equal(asset.processing, 'done', JSON.stringify(asset.processingError));
    assert.equal(asset.media.orientation, 6);
    assert.equal(asset.media.width, 200);
    assert.equal(asset.media.height, 400);
    const thumb = await get(me, `/api/v1/assets/${id}/thumbnails/256`, { accept: 'image/jpeg' });
    assert.deepEqual(decode(thumb.bytes), { width: 128, height: 256, loader: 'jpegload' });
    // Metadata is stripped: no EXIF block (APP1 "Exif") in the derivative.
    assert.equal(thumb.bytes.indexOf(Buffer.from('Exif\0\0', 'latin1')), -1);
  });

  test('truncated and corrupt files fail their asset with a clear error; the server lives', async () => {
    const me = await newUser(server, 'hostile');
    const cases = [
      ['truncated PNG', noisePng.subarray(0, noisePng.length >> 1), 'image/png', 'corrupt_image'],
      ['truncated JPEG', noiseJpeg.subarray(0, noiseJpeg.length >> 1), 'image/jpeg', 'corrupt_image'],
      ['truncated MP4', clipMp4.subarray(0, clipMp4.length >> 2), 'video/mp4', 'unreadable_video'],
      ['corrupt MP4', Buffer.concat([clipMp4.subarray(0, 32), Buffer.alloc(4000, 0x5a)]),
       'video/mp4', null],
      ['PNG bomb', bombPng(), 'image/png', 'image_too_large'],
    ];
    for (const [name, bytes, type, code] of cases) {
      const { id } = await upload(me, bytes, type);
      const asset = await processed(me, id);
      assert.equal(asset.processing, 'failed', name);
      assert.equal(asset.media, null, name);
      assert.equal(typeof asset.processingError.message, 'string', name);
      assert.ok(asset.processingError.message.length > 10, name);
      if (code) assert.equal(asset.processingError.code, code, `${name}: ${asset.processingError.message}`);
      const thumb = await server.api('GET', `/api/v1/assets/${id}/thumbnails/64`, { token: me.access });
      assert.equal(thumb.status, 422, name);
      assert.equal(thumb.json.error.code, 'media_failed', name);
      const variant = await server.api('GET', `/api/v1/assets/${id}/content?thumb=64x64`, { token: me.access });
      assert.equal(variant.status, 422, name);
      assert.equal(variant.json.error.code, 'media_failed', name);
    }
    const bomb = cases.find((c) => c[0] === 'PNG bomb');
    assert.ok(bomb[1].length < 200);
    assert.equal((await server.api('GET', '/healthz')).status, 200);
    // And the next good file is processed as usual.
    const { id } = await upload(me, halvesPng, 'image/png');
    assert.equal((await processed(me, id)).processing, 'done');
  });

  test('videos: duration, fps, codec, poster, keyframe strip and thumbnails', async () => {
    const me = await newUser(server, 'video');
    const { id } = await upload(me, clipMp4, 'video/mp4');
    const asset = await processed(me, id);
    assert.equal(asset.processing, 'done', JSON.stringify(asset.processingError));
    const media = asset.media;
    assert.equal(media.kind, 'video');
    assert.equal(media.codec, 'h264');
    assert.equal(media.width, 320);
    assert.equal(media.height, 240);
    assert.ok(Math.abs(media.duration - 2) < 0.1, String(media.duration));
    assert.equal(media.fps, 25);
    assert.deepEqual(media.keyframes.map((k) => k.at), [0, 1]);
    assert.ok(media.palette.length >= 1);
    const byName = Object.fromEntries(media.derivatives.map((d) => [d.name, d]));
    assert.equal(byName['poster.jpeg'].width, 320);
    assert.equal(byName['strip.jpeg'].width, 480);  // two keyframes, 240 wide each
    const thumb = await get(me, `/api/v1/assets/${id}/thumbnails/256`, { accept: 'image/webp' });
    assert.deepEqual(decode(thumb.bytes), { width: 256, height: 192, loader: 'webpload' });
    const variant = await get(me, `/api/v1/assets/${id}/content?thumb=64x64&fit=crop`,
                              { accept: 'image/jpeg' });
    assert.deepEqual(decode(variant.bytes), { width: 64, height: 64, loader: 'jpegload' });
  });

  test('every accepted type is processed: GIF, WebP, WebM, MOV', async () => {
    const me = await newUser(server, 'types');
    const source = ['-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=10'];
    const cases = [
      ['image/gif', ffmpeg('still.gif', [...source, '-frames:v', '1']), 'image', 'gif'],
      ['image/webp', ffmpeg('still.webp', [...source, '-frames:v', '1']), 'image', 'webp'],
      ['video/webm', ffmpeg('clip.webm', [...source, '-t', '1', '-c:v', 'libvpx']), 'video', 'vp8'],
      ['video/quicktime', ffmpeg('clip.mov', [...source, '-t', '1', '-c:v', 'mjpeg']), 'video',
       'mjpeg'],
    ];
    for (const [type, bytes, kind, detail] of cases) {
      const { id } = await upload(me, bytes, type);
      const asset = await processed(me, id);
      assert.equal(asset.processing, 'done', `${type}: ${JSON.stringify(asset.processingError)}`);
      assert.equal(asset.media.kind, kind, type);
      assert.equal(asset.media.width, 160, type);
      assert.equal(kind === 'image' ? asset.media.format : asset.media.codec, detail, type);
      const thumb = await get(me, `/api/v1/assets/${id}/thumbnails/64`, { accept: 'image/webp' });
      assert.deepEqual(decode(thumb.bytes), { width: 64, height: 48, loader: 'webpload' }, type);
    }
  });

  test('deleting an asset removes its derivative blobs', async () => {
    const me = await newUser(server, 'cleanup');
    const { id } = await upload(me, noisePng, 'image/png');
    assert.equal((await processed(me, id)).processing, 'done');
    const variant = await get(me, `/api/v1/assets/${id}/content?thumb=64x64&fit=fill`,
                              { accept: 'image/png' });
    const thumb = await get(me, `/api/v1/assets/${id}/thumbnails/64`, { accept: 'image/webp' });
    const blob = (etag) => {
      const sha = etag.replaceAll('"', '');
      return join(server.dataDir, 'blobs', sha.slice(0, 2), sha.slice(2, 4), sha);
    };
    const paths = [blob(variant.headers.get('etag')), blob(thumb.headers.get('etag'))];
    for (const p of paths) assert.ok(existsSync(p), p);
    assert.equal((await server.api('DELETE', `/api/v1/assets/${id}`, { token: me.access })).status, 204);
    for (const p of paths) assert.ok(!existsSync(p), `${p} is left behind`);
  });

  test('thumbnails of assets in public projects are cacheable by anyone, for good', async () => {
    const me = await newUser(server, 'public');
    const project = await server.api('POST', '/api/v1/projects', {
      token: me.access, json: { title: 'Open', designJson: {}, isPublic: true } });
    assert.equal(project.status, 201, project.body);
    const { id } = await upload(me, halvesPng, 'image/png', `?projectId=${project.json.id}`);
    assert.equal((await processed(me, id)).processing, 'done');
    const thumb = await get(me, `/api/v1/assets/${id}/thumbnails/64`);
    assert.equal(thumb.status, 200);
    assert.equal(thumb.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    const variant = await get(me, `/api/v1/assets/${id}/content?thumb=64x64`);
    assert.equal(variant.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  });

  test('GDPR: the export lists assets with media; erasure removes blobs nobody else uses', async () => {
    const leaving = await newUser(server, 'leaving');
    const staying = await newUser(server, 'staying');
    const unique = ffmpeg('unique.png', ['-f', 'lavfi', '-i', 'color=c=yellow:s=120x80',
                                         '-frames:v', '1']);
    const mine = await upload(leaving, unique, 'image/png');
    const shared = await upload(leaving, noisePng, 'image/png');
    const theirs = await upload(staying, noisePng, 'image/png');
    for (const [user, asset] of [[leaving, mine], [leaving, shared], [staying, theirs]]) {
      assert.equal((await processed(user, asset.id)).processing, 'done');
    }
    const exported = await server.api('GET', '/api/v1/me/export', { token: leaving.access });
    assert.equal(exported.status, 200);
    const listed = Object.fromEntries(exported.json.assets.map((a) => [a.id, a]));
    assert.deepEqual(Object.keys(listed).sort(), [mine.id, shared.id].sort());
    assert.equal(listed[mine.id].media.width, 120);
    assert.equal(listed[mine.id].contentUrl, `/api/v1/assets/${mine.id}/content`);

    const blobPath = (sha) => join(server.dataDir, 'blobs', sha.slice(0, 2), sha.slice(2, 4), sha);
    const thumbSha = async (user, id) => (await get(user, `/api/v1/assets/${id}/thumbnails/64`))
        .headers.get('etag').replaceAll('"', '');
    const mineThumb = await thumbSha(leaving, mine.id);
    const sharedThumb = await thumbSha(staying, theirs.id);
    for (const sha of [mine.sha256, mineThumb, shared.sha256, sharedThumb]) {
      assert.ok(existsSync(blobPath(sha)), sha);
    }
    const erased = await server.api('DELETE', '/api/v1/me',
                                    { token: leaving.access, json: { password: leaving.password } });
    assert.equal(erased.status, 204, erased.body);
    assert.ok(!existsSync(blobPath(mine.sha256)), 'the upload only they had is gone');
    assert.ok(!existsSync(blobPath(mineThumb)), 'its thumbnail is gone');
    assert.ok(existsSync(blobPath(shared.sha256)), 'bytes another user uploaded too stay');
    assert.ok(existsSync(blobPath(sharedThumb)), 'and so do their thumbnails');
    const still = await get(staying, `/api/v1/assets/${theirs.id}/thumbnails/64`);
    assert.equal(still.status, 200);
    assert.deepEqual((await get(staying, `/api/v1/assets/${theirs.id}/content`)).bytes, noisePng);
  });

  test('project export carries the assets; import uploads them again and processes them', async () => {
    const me = await newUser(server, 'archiver');
    const project = await server.api('POST', '/api/v1/projects', {
      token: me.access, json: { title: 'With assets', designJson: {} } });
    const pid = project.json.id;
    const png = await upload(me, halvesPng, 'image/png', `?projectId=${pid}&filename=hero.png`);
    const mp4 = await upload(me, clipMp4, 'video/mp4', `?projectId=${pid}&filename=intro.mp4`);
    const zip = await get(me, `/api/v1/projects/${pid}/export`);
    assert.equal(zip.status, 200);
    assert.ok(zip.bytes.includes(Buffer.from('assets/1-')), 'the ZIP has an assets/ folder');

    const imported = await server.api('POST', '/api/v1/projects/import', {
      token: me.access, body: zip.bytes, headers: { 'content-type': 'application/zip' } });
    assert.equal(imported.status, 201, imported.body);
    const listed = await server.api('GET', `/api/v1/assets?projectId=${imported.json.id}`,
                                    { token: me.access });
    const restored = listed.json.items;
    assert.deepEqual(restored.map((a) => a.sha256).sort(), [png.sha256, mp4.sha256].sort());
    assert.deepEqual(restored.map((a) => a.filename).sort(), ['hero.png', 'intro.mp4']);
    for (const asset of restored) {
      assert.notEqual(asset.id, png.id);
      assert.equal((await processed(me, asset.id)).processing, 'done', asset.filename);
    }

    // An archive whose asset is refused (here: over the importer's quota) leaves nothing.
    const other = await startServer({ args: ['--user-quota-mb', '1'] });
    try {
      const poor = await newUser(other, 'poor');
      const big = ffmpeg('big.png', ['-f', 'lavfi', '-i', 'nullsrc=s=720x720',
        '-vf', "geq=r='random(1)*255':g='random(2)*255':b='random(3)*255'", '-frames:v', '1']);
      assert.ok(big.length > 524_288, String(big.length));  // two copies exceed 1 MiB
      const p2 = await other.api('POST', '/api/v1/projects', {
        token: poor.access, json: { title: 'Two big', designJson: {} } });
      // The export holds one big picture; importing it would be the second copy under a 1 MiB quota.
      assert.equal((await other.api('POST', `/api/v1/assets?projectId=${p2.json.id}`, {
        token: poor.access, body: big, headers: { 'content-type': 'image/png' } })).status, 201);
      const exported = await fetch(`${other.url}/api/v1/projects/${p2.json.id}/export`,
                                   { headers: { authorization: `Bearer ${poor.access}` } });
      const bytes = Buffer.from(await exported.arrayBuffer());
      const refusedImport = await other.api('POST', '/api/v1/projects/import', {
        token: poor.access, body: bytes, headers: { 'content-type': 'application/zip' } });
      assert.equal(refusedImport.status, 413, refusedImport.body);
      const projects = await other.api('GET', '/api/v1/projects', { token: poor.access });
      assert.equal(projects.json.items.length, 1, 'the half-imported project was removed');
      const assets = await other.api('GET', '/api/v1/assets', { token: poor.access });
      assert.equal(assets.json.items.length, 1, 'no asset of the failed import is left');
    } finally {
      await other.stop();
      other.cleanup();
    }
  });
});

// The same pipeline over the S3 blob store, when scripts/test.sh started s3rver: derivatives are
// put, read back and deleted through S3 too.
if (process.env.OD_TEST_S3_URL) {
  describe('media processing on S3', () => {
    let server;
    before(async () => {
      server = await startServer({
        args: ['--thumbnail-sizes', '64,256', '--job-poll-ms', '50',
               '--s3-endpoint', process.env.OD_TEST_S3_URL,
               '--s3-bucket', process.env.OD_TEST_S3_BUCKET || 'od-test',
               '--s3-access-key', process.env.OD_TEST_S3_ACCESS_KEY || 'S3RVER',
               '--s3-secret-key', process.env.OD_TEST_S3_SECRET_KEY || 'S3RVER'],
        rateLimits: 'ip=100000,login=100000,upload=1000',
      });
    });
    after(async () => { await server.stop(); server.cleanup(); });

    test('process, thumbnail, variant and delete', async () => {
      const me = await newUser(server, 's3media');
      const res = await server.api('POST', '/api/v1/assets', {
        token: me.access, body: halvesPng, headers: { 'content-type': 'image/png' } });
      assert.equal(res.status, 201, res.body);
      const id = res.json.id;
      const asset = await waitFor('processed', async () => {
        const got = await server.api('GET', `/api/v1/assets/${id}`, { token: me.access });
        return got.json.processing !== 'pending' && got.json;
      });
      assert.equal(asset.processing, 'done', JSON.stringify(asset.processingError));
      const fetchBytes = async (path, accept) => {
        const r = await fetch(server.url + path,
                              { headers: { authorization: `Bearer ${me.access}`, accept } });
        assert.equal(r.status, 200, path);
        return Buffer.from(await r.arrayBuffer());
      };
      assert.deepEqual(decode(await fetchBytes(`/api/v1/assets/${id}/thumbnails/256`, 'image/jpeg')),
                       { width: 256, height: 171, loader: 'jpegload' });
      assert.deepEqual(decode(await fetchBytes(`/api/v1/assets/${id}/content?thumb=64x64&fit=crop`,
                                               'image/png')),
                       { width: 64, height: 64, loader: 'pngload' });
      assert.equal((await server.api('DELETE', `/api/v1/assets/${id}`, { token: me.access })).status,
                   204);
    });
  });
}

// Assets stored before processing existed (no asset_media row) are queued when the server starts.
test('assets that processing never saw are processed after a restart', async () => {
  const first = await startServer({ args: ['--thumbnail-sizes', '64', '--job-poll-ms', '50'] });
  const me = await newUser(first, 'legacy');
  const res = await first.api('POST', '/api/v1/assets', {
    token: me.access, body: halvesPng, headers: { 'content-type': 'image/png' } });
  assert.equal(res.status, 201);
  await waitFor('processed', async () => (await first.api('GET', `/api/v1/assets/${res.json.id}`,
    { token: me.access })).json.processing === 'done');
  await first.stop();
  // Forget the processing, as a database from before migration 0011 would not have it.
  const sql = 'DELETE FROM asset_variants; DELETE FROM asset_media;';
  if (databaseKind === 'postgres') execFileSync('psql', [first.database, '-q', '-c', sql]);
  else execFileSync('sqlite3', [join(first.dataDir, 'opendesign.db'), sql]);

  const second = await startServer({ dataDir: first.dataDir, database: first.database,
                                     args: ['--thumbnail-sizes', '64', '--job-poll-ms', '50'] });
  try {
    const asset = await waitFor('processed again', async () => {
      const got = await second.api('GET', `/api/v1/assets/${res.json.id}`, { token: me.access });
      return got.json.processing === 'done' && got.json;
    });
    assert.equal(asset.media.width, 600);
    assert.ok(second.logs.some((l) => l.msg === 'queued_unprocessed_assets' && l.count === 1));
  } finally {
    await second.stop();
    rmSync(first.dataDir, { recursive: true, force: true });
  }
});
