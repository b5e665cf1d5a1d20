// Project archives with their assets, streamed both ways, and the GDPR export with the bytes,
// through the real binary, on the local blob store and (when scripts/test.sh started s3rver) on
// S3: export is read back by Info-ZIP's `unzip` and compared byte for byte and by SHA-256; import
// takes archives past the old 16 MiB limit; a bad archive or one over the importer's quota
// changes nothing (no project, no asset, no orphan blob).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync, rmSync, readdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, newUser, statusForDeclaredBody } from './harness.mjs';

const work = mkdtempSync(join(tmpdir(), 'od-archive-assets-'));
after(() => rmSync(work, { recursive: true, force: true }));

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');
const MiB = 1024 * 1024;

// Media the upload path accepts (it sniffs the first bytes); processing may fail on the noise,
// which leaves the asset itself ready.
const fakeMp4 = (size) => Buffer.concat([
  Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom'), Buffer.alloc(12), randomBytes(size - 24)]);
const smallPng = () => execFileSync('ffmpeg', ['-nostdin', '-v', 'error', '-f', 'lavfi', '-i',
  'color=c=green:s=64x48', '-frames:v', '1', '-f', 'image2', '-c:v', 'png', 'pipe:1']);
const svgWithScript = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">' +
  '<script>alert(1)</script><rect width="10" height="10" fill="red"/></svg>');

// Writes `bytes` to a file, runs `unzip -t` on it and extracts it; returns the directory.
function unzip(bytes, name) {
  const file = join(work, `${name}.zip`);
  const dir = join(work, name);
  writeFileSync(file, bytes);
  const tested = execFileSync('unzip', ['-t', file]).toString();
  assert.match(tested, /No errors detected/);
  execFileSync('unzip', ['-q', file, '-d', dir]);
  return dir;
}

// Offset of an entry's data in a ZIP we wrote (no extra field unless ZIP64: not at these sizes).
function entryData(zip, name) {
  const local = Buffer.from('PK\x03\x04', 'latin1');
  for (let at = zip.indexOf(local); at >= 0; at = zip.indexOf(local, at + 4)) {
    const nameLength = zip.readUInt16LE(at + 26);
    const extra = zip.readUInt16LE(at + 28);
    if (zip.subarray(at + 30, at + 30 + nameLength).toString('utf8') === name) {
      return at + 30 + nameLength + extra;
    }
  }
  throw new Error(`${name} is not in the archive`);
}

// countBlobs(server): how many blobs the store holds, or null where the test cannot count them;
// blobExists(server, sha256): whether the store holds that blob.
function archiveSuite(label, args, countBlobs, blobExists) {
  describe(`project archives with assets (${label})`, () => {
    let server;
    before(async () => {
      server = await startServer({ args, rateLimits: 'ip=100000,login=100000,upload=1000' });
    });
    after(async () => { await server.stop(); server.cleanup(); });

    const api = (...a) => server.api(...a);
    async function download(path, token) {
      const res = await fetch(server.url + path, { headers: { authorization: `Bearer ${token}` } });
      return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
    }
    async function upload(user, bytes, type, query) {
      const res = await api('POST', `/api/v1/assets${query}`,
                            { token: user.access, body: bytes, headers: { 'content-type': type } });
      assert.equal(res.status, 201, res.body);
      return res.json;
    }
    async function projectWithAssets(user, bigSize) {
      const project = await api('POST', '/api/v1/projects',
                                { token: user.access, json: { title: 'Media kit', designJson: { a: 1 } } });
      assert.equal(project.status, 201, project.body);
      const id = project.json.id;
      const files = [
        [smallPng(), 'image/png', 'logo.png'],
        [svgWithScript, 'image/svg+xml', 'icon.svg'],
        [fakeMp4(bigSize), 'video/mp4', 'intro.mp4'],
        [fakeMp4(bigSize), 'video/mp4', 'intro.mp4'],  // same name: the archive keeps both
      ];
      const assets = [];
      for (const [bytes, type, filename] of files) {
        assets.push(await upload(user, bytes, type, `?projectId=${id}&filename=${filename}`));
      }
      return { id, assets };
    }
    const importZip = (user, bytes) => api('POST', '/api/v1/projects/import',
      { token: user.access, body: bytes, headers: { 'content-type': 'application/zip' } });
    const myProjects = async (user) =>
      (await api('GET', '/api/v1/projects?scope=mine&limit=100', { token: user.access })).json.items;
    const myAssets = async (user) =>
      (await api('GET', '/api/v1/assets?limit=100', { token: user.access })).json.items;

    test('export streams every asset; unzip gives back the stored bytes', async () => {
      const me = await newUser(server, 'exporter');
      const { id, assets } = await projectWithAssets(me, 3 * MiB);
      const zip = await download(`/api/v1/projects/${id}/export`, me.access);
      assert.equal(zip.status, 200);
      assert.equal(zip.headers.get('content-type'), 'application/zip');
      assert.equal(Number(zip.headers.get('content-length')), zip.bytes.length);
      const dir = unzip(zip.bytes, `export-${label}`);
      const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
      assert.equal(manifest.assets.length, 4);
      // Oldest first, each under its own path.
      assert.deepEqual(manifest.assets.map((a) => a.path),
                       ['assets/1-logo.png', 'assets/2-icon.svg', 'assets/3-intro.mp4', 'assets/4-intro.mp4']);
      for (const [i, listed] of manifest.assets.entries()) {
        const bytes = readFileSync(join(dir, listed.path));
        assert.equal(sha256(bytes), assets[i].sha256, listed.path);
        assert.equal(listed.contentType, assets[i].contentType);
        const content = await download(`/api/v1/assets/${assets[i].id}/content`, me.access);
        assert.ok(content.bytes.equals(bytes), `${listed.path} is the stored content`);
      }
      assert.ok(!readFileSync(join(dir, 'assets/2-icon.svg'), 'utf8').includes('<script'),
                'the sanitised SVG, as stored');
      assert.deepEqual(JSON.parse(readFileSync(join(dir, 'design.json'), 'utf8')), { a: 1 });
    });

    test('import restores assets from an archive past the old 16 MiB limit', async () => {
      const me = await newUser(server, 'roundtrip');
      const { id, assets } = await projectWithAssets(me, 12 * MiB);
      const zip = await download(`/api/v1/projects/${id}/export`, me.access);
      assert.ok(zip.bytes.length > 24 * MiB, String(zip.bytes.length));
      const other = await newUser(server, 'importer');
      const imported = await importZip(other, zip.bytes);
      assert.equal(imported.status, 201, imported.body);
      assert.equal(imported.json.ownerId, other.id);
      const restored = (await api('GET', `/api/v1/assets?projectId=${imported.json.id}&limit=100`,
                                  { token: other.access })).json.items;
      const key = (a) => `${a.filename} ${a.sha256} ${a.size} ${a.contentType}`;
      assert.deepEqual(restored.map(key).sort(), assets.map(key).sort());
      for (const asset of restored) {
        assert.equal(asset.ownerId, other.id);
        const original = assets.find((a) => a.sha256 === asset.sha256);
        const content = await download(`/api/v1/assets/${asset.id}/content`, other.access);
        assert.equal(sha256(content.bytes), original.sha256);
      }
      // And again: the imported project exports the same files.
      const again = await download(`/api/v1/projects/${imported.json.id}/export`, other.access);
      const dir = unzip(again.bytes, `again-${label}`);
      const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
      assert.deepEqual(manifest.assets.map((a) => sha256(readFileSync(join(dir, a.path)))).sort(),
                       assets.map((a) => a.sha256).sort());
    });

    test('a corrupt asset entry fails the import and leaves nothing behind', async () => {
      const me = await newUser(server, 'corrupt');
      const { id, assets } = await projectWithAssets(me, 2 * MiB);
      const zip = await download(`/api/v1/projects/${id}/export`, me.access);
      assert.equal(await blobExists(server, assets[2].sha256), true, 'the probe sees stored blobs');
      // Without the originals, the first assets an import stores are new blobs: they must go too.
      for (const asset of assets) {
        assert.equal((await api('DELETE', `/api/v1/assets/${asset.id}`, { token: me.access })).status, 204);
      }
      const blobsBefore = countBlobs(server);
      // assets/3-intro.mp4 is noise only this project had: the import stores it anew, then must
      // release it when assets/4 turns out corrupt.
      assert.equal(await blobExists(server, assets[2].sha256), false);
      const damaged = Buffer.from(zip.bytes);
      damaged[entryData(damaged, 'assets/4-intro.mp4') + MiB] ^= 0x55;
      const projectsBefore = (await myProjects(me)).map((p) => p.id);
      const res = await importZip(me, damaged);
      assert.equal(res.status, 400, res.body);
      assert.equal(res.json.error.code, 'invalid_archive');
      assert.equal(res.json.error.details.entry, 'assets/4-intro.mp4');
      assert.deepEqual((await myProjects(me)).map((p) => p.id), projectsBefore, 'no project');
      assert.deepEqual(await myAssets(me), [], 'no asset');
      assert.equal(await blobExists(server, assets[2].sha256), false, 'no orphan blob');
      if (blobsBefore !== null) assert.equal(countBlobs(server), blobsBefore, 'no orphan blob');
      // The same archive undamaged imports.
      assert.equal((await importZip(me, zip.bytes)).status, 201);
    });

    test('GDPR export as a ZIP: data.json plus every asset the user owns', async () => {
      const me = await newUser(server, 'gdprzip');
      const { assets } = await projectWithAssets(me, 1 * MiB);
      const loose = await upload(me, smallPng(), 'image/png', '?filename=loose.png');
      const zip = await download('/api/v1/me/export?format=zip', me.access);
      assert.equal(zip.status, 200);
      assert.equal(zip.headers.get('content-type'), 'application/zip');
      assert.match(zip.headers.get('content-disposition'), /^attachment; filename="opendesign-data-.*\.zip"$/);
      const dir = unzip(zip.bytes, `gdpr-${label}`);
      const data = JSON.parse(readFileSync(join(dir, 'data.json'), 'utf8'));
      assert.equal(data.profile.id, me.id);
      assert.equal(data.projects.length, 1);
      const all = [...assets, loose];
      assert.deepEqual(data.assets.map((a) => a.id).sort(), all.map((a) => a.id).sort());
      for (const entry of data.assets) {
        assert.equal(entry.file, `assets/${entry.id}-${entry.filename}`);
        assert.equal(sha256(readFileSync(join(dir, entry.file))), entry.sha256);
      }
      // The JSON form is unchanged, and other formats are refused.
      const json = await api('GET', '/api/v1/me/export', { token: me.access });
      assert.equal(json.status, 200);
      assert.equal(json.json.assets.length, all.length);
      const bad = await api('GET', '/api/v1/me/export?format=xml', { token: me.access });
      assert.equal(bad.status, 400);
      assert.equal((await api('GET', '/api/v1/me/export?format=zip')).status, 401);
    });

  });
}

// The local store keeps each blob at <data-dir>/blobs/ab/cd/<sha256>.
function localBlobs(server) {
  const root = join(server.dataDir, 'blobs');
  if (!existsSync(root)) return 0;
  return readdirSync(root, { recursive: true }).filter((p) => /[0-9a-f]{64}$/.test(p)).length;
}

const localBlobPath = (server, sha) => join(server.dataDir, 'blobs', sha.slice(0, 2), sha.slice(2, 4), sha);
archiveSuite('local disk', [], localBlobs, async (server, sha) => existsSync(localBlobPath(server, sha)));

// A SigV4-signed HEAD of the blob's object (the test S3 server checks signatures).
async function s3BlobExists(sha) {
  const endpoint = new URL(process.env.OD_TEST_S3_URL);
  const bucket = process.env.OD_TEST_S3_BUCKET || 'od-test';
  const access = process.env.OD_TEST_S3_ACCESS_KEY || 'S3RVER';
  const secret = process.env.OD_TEST_S3_SECRET_KEY || 'S3RVER';
  const path = `/${bucket}/blobs/${sha.slice(0, 2)}/${sha.slice(2, 4)}/${sha}`;  // the default prefix
  const date = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const day = date.slice(0, 8);
  const payload = sha256('');
  const canonical = ['HEAD', path, '', `host:${endpoint.host}`, `x-amz-content-sha256:${payload}`,
                     `x-amz-date:${date}`, '', 'host;x-amz-content-sha256;x-amz-date', payload].join('\n');
  const scope = `${day}/us-east-1/s3/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', date, scope, sha256(canonical)].join('\n');
  const hmac = (key, text) => createHmac('sha256', key).update(text).digest();
  const key = ['us-east-1', 's3', 'aws4_request'].reduce(hmac, hmac(`AWS4${secret}`, day));
  const signature = createHmac('sha256', key).update(toSign).digest('hex');
  const res = await fetch(endpoint.origin + path, { method: 'HEAD', headers: {
    'x-amz-date': date, 'x-amz-content-sha256': payload,
    authorization: `AWS4-HMAC-SHA256 Credential=${access}/${scope}, ` +
                   `SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=${signature}` } });
  if (res.status !== 200 && res.status !== 404) throw new Error(`S3 HEAD ${path}: ${res.status}`);
  return res.status === 200;
}

if (process.env.OD_TEST_S3_URL) {
  archiveSuite('S3', ['--s3-endpoint', process.env.OD_TEST_S3_URL,
                      '--s3-bucket', process.env.OD_TEST_S3_BUCKET || 'od-test',
                      '--s3-access-key', process.env.OD_TEST_S3_ACCESS_KEY || 'S3RVER',
                      '--s3-secret-key', process.env.OD_TEST_S3_SECRET_KEY || 'S3RVER'],
               () => null, (server, sha) => s3BlobExists(sha));
}

test('import is bounded by --max-import-mb and by the importer\'s quota, and changes nothing', async () => {
  const server = await startServer({ args: ['--max-import-mb', '100', '--user-quota-mb', '8'] });
  try {
    const me = await newUser(server, 'bounded');
    const headers = { authorization: `Bearer ${me.access}`, 'content-type': 'application/zip' };
    const declare = (length) => statusForDeclaredBody(server, 'POST', '/api/v1/projects/import', length, headers);
    assert.equal(await declare(101 * MiB), 413, 'past --max-import-mb');
    // 8 MiB of quota plus 64 MiB for the project's own content: more is refused before staging.
    assert.equal(await declare(80 * MiB), 413, 'past what the quota could take');
    // An archive small enough to stage whose assets declare more than the quota: 413 before
    // anything is created.
    const project = await server.api('POST', '/api/v1/projects',
                                     { token: me.access, json: { title: 'Big', designJson: {} } });
    for (let i = 0; i < 2; ++i) {
      const res = await server.api('POST', `/api/v1/assets?projectId=${project.json.id}`,
                                   { token: me.access, body: fakeMp4(3 * MiB), headers: { 'content-type': 'video/mp4' } });
      assert.equal(res.status, 201, res.body);
    }
    const zip = Buffer.from(await (await fetch(`${server.url}/api/v1/projects/${project.json.id}/export`,
                                              { headers: { authorization: `Bearer ${me.access}` } })).arrayBuffer());
    const refused = await server.api('POST', '/api/v1/projects/import', { token: me.access, body: zip, headers });
    assert.equal(refused.status, 413, refused.body);
    assert.equal(refused.json.error.code, 'quota_exceeded');
    const projects = await server.api('GET', '/api/v1/projects?scope=mine', { token: me.access });
    assert.deepEqual(projects.json.items.map((p) => p.id), [project.json.id]);
    const assets = await server.api('GET', '/api/v1/assets', { token: me.access });
    assert.equal(assets.json.items.length, 2);
  } finally {
    await server.stop();
    server.cleanup();
  }
});
