// Periodic upload sweeps (--upload-sweep-seconds) through the real binary: abandoned resumable
// uploads, presigned uploads never completed and S3 staging objects go once expired, with no
// request to trigger it (uploads and start-up sweep too; these tests make none after the
// uploads they abandon). Two instances on one database run side by side (which of them sweeps is
// decided by a lease, checked in tests/unit/assets/upload_sweeper_test.cpp).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, newUser, waitFor } from './harness.mjs';
import { s3Object } from '../support/s3-objects.mjs';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64');
const b64 = (text) => Buffer.from(text).toString('base64');
const limits = 'ip=100000,login=100000,upload=1000';
const files = (server, kind) => {
  const dir = join(server.dataDir, 'uploads', kind);
  return existsSync(dir) ? readdirSync(dir) : [];
};
const presign = (server, user, size = PNG.length) =>
  server.api('POST', '/api/v1/assets/presign', { token: user.access,
    json: { filename: 'a.png', contentType: 'image/png', size } });
const put = (server, grant, body) => fetch(new URL(grant.json.uploadUrl, server.url),
  { method: 'PUT', body, headers: grant.json.headers });

// A resumable upload with a few bytes received, then abandoned; its id.
async function abandonedTus(server, user) {
  const created = await fetch(`${server.url}/api/v1/uploads`, {
    method: 'POST',
    headers: { authorization: `Bearer ${user.access}`, 'tus-resumable': '1.0.0', 'upload-length': '1000',
               'upload-metadata': `filename ${b64('a.mp4')},filetype ${b64('video/mp4')}` },
  });
  assert.equal(created.status, 201);
  const location = created.headers.get('location');
  const sent = await fetch(new URL(location, server.url), {
    method: 'PATCH',
    headers: { authorization: `Bearer ${user.access}`, 'tus-resumable': '1.0.0', 'upload-offset': '0',
               'content-type': 'application/offset+octet-stream' },
    body: Buffer.concat([Buffer.from('00000018667479706d703432', 'hex'), Buffer.alloc(100)]),
  });
  assert.equal(sent.status, 204);
  return location.split('/').pop();
}

test('expired uploads on local disk are swept on a timer', async () => {
  const server = await startServer({ args: ['--upload-expiry-seconds', '2', '--upload-sweep-seconds', '1'],
                                     rateLimits: limits });
  try {
    const me = await newUser(server, 'sweep');
    const tusId = await abandonedTus(server, me);
    const grant = await presign(server, me);
    assert.equal((await put(server, grant, PNG)).status, 200);
    assert.ok(files(server, 'resumable').includes(tusId));
    assert.ok(files(server, 'presigned').includes(grant.json.assetId));
    await waitFor('the sweep', () => !files(server, 'resumable').includes(tusId) &&
                                    !files(server, 'presigned').includes(grant.json.assetId), 20000);
    // The rows go right after the files: the upload cannot be completed any more.
    await waitFor('the presigned row to go', async () =>
      (await server.api('POST', '/api/v1/assets/complete',
                        { token: me.access, json: { assetId: grant.json.assetId } })).status === 404);
  } finally {
    await server.stop();
    server.cleanup();
  }
});

test('two instances on one database: expired uploads are swept, each counted once', async () => {
  const args = ['--upload-expiry-seconds', '1', '--upload-sweep-seconds', '1'];
  const a = await startServer({ args, rateLimits: limits });
  const b = await startServer({ args, rateLimits: limits, dataDir: a.dataDir, database: a.database });
  try {
    const me = await newUser(a, 'shared');
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push((await presign(a, me)).json.assetId);
    const swept = () => [...a.logs, ...b.logs]
      .filter((entry) => entry.msg === 'presigned_uploads_swept')
      .reduce((sum, entry) => sum + entry.count, 0);
    await waitFor('the sweep', () => swept() >= ids.length, 20000);
    // A few more rounds on both instances: nothing is swept twice.
    const rounds = (server) => server.logs.length;
    const seen = [rounds(a), rounds(b)];
    await waitFor('more rounds', async () => {
      await a.api('GET', '/healthz');
      await b.api('GET', '/healthz');
      return a.logs.length > seen[0] + 2 && b.logs.length > seen[1] + 2;
    }, 20000);
    assert.equal(swept(), ids.length);
    for (const id of ids) {
      assert.equal((await a.api('POST', '/api/v1/assets/complete',
                                { token: me.access, json: { assetId: id } })).status, 404);
    }
  } finally {
    await b.stop();
    await a.stop();
    a.cleanup();
  }
});

if (process.env.OD_TEST_S3_URL) {
  test('S3 staging objects of abandoned and finished uploads are swept once the URL expires', async () => {
    const server = await startServer({
      args: ['--s3-endpoint', process.env.OD_TEST_S3_URL,
             '--s3-bucket', process.env.OD_TEST_S3_BUCKET || 'od-test',
             '--s3-access-key', process.env.OD_TEST_S3_ACCESS_KEY || 'S3RVER',
             '--s3-secret-key', process.env.OD_TEST_S3_SECRET_KEY || 'S3RVER',
             '--upload-expiry-seconds', '4', '--upload-sweep-seconds', '1'],
      rateLimits: limits,
    });
    try {
      const me = await newUser(server, 's3sweep');
      const abandoned = await presign(server, me);
      assert.equal((await put(server, abandoned, PNG)).status, 200);
      // Completed, then PUT again while the URL is still valid: S3 cannot refuse that.
      const finished = await presign(server, me);
      assert.equal((await put(server, finished, PNG)).status, 200);
      assert.equal((await server.api('POST', '/api/v1/assets/complete',
                                     { token: me.access, json: { assetId: finished.json.assetId } })).status, 201);
      assert.equal((await put(server, finished, PNG)).status, 200);
      for (const grant of [abandoned, finished]) {
        assert.equal((await s3Object(`staging/${grant.json.assetId}`, 'HEAD')).status, 200);
      }
      await waitFor('the sweep', async () =>
        (await s3Object(`staging/${abandoned.json.assetId}`, 'HEAD')).status === 404 &&
        (await s3Object(`staging/${finished.json.assetId}`, 'HEAD')).status === 404, 30000);
      // The finished asset itself is untouched.
      const content = await fetch(`${server.url}/api/v1/assets/${finished.json.assetId}/content`,
                                  { headers: { authorization: `Bearer ${me.access}` } });
      assert.equal(content.status, 200);
    } finally {
      await server.stop();
      server.cleanup();
    }
  });
}
