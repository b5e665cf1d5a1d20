// A server that runs no job itself (--job-workers 0): every job is done by external HTTP workers.
// Expired leases still go back to the queue (the reaper runs apart from the in-process pool), and
// long polls wait parked, without holding an HTTP handler thread each.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, newUser, makeAdmin } from './harness.mjs';

const rateLimits = 'ip=100000,login=100000,ai=100000';
let server;
let admin;
let alice;

before(async () => {
  // 1 s leases, so a vanished worker's job comes back within a test; 2 HTTP handler threads, so
  // a few parked polls would take them all if polls held threads.
  server = await startServer({
    rateLimits,
    args: ['--job-workers', '0', '--job-lease-seconds', '1', '--worker-threads', '2'],
  });
  admin = await makeAdmin(server, await newUser(server, 'admin'));
  alice = await newUser(server, 'alice');
});

after(async () => {
  if (!server) return;
  await server.stop();
  server.cleanup();
});

async function register(name, types) {
  const res = await server.api('POST', '/api/v1/ai/workers', { token: admin.access, json: { name, types } });
  assert.equal(res.status, 201, res.body);
  return res.json;
}

const lease = (w, json = {}) => server.api('POST', '/api/v1/ai/workers/lease', { token: w.token, json });

async function submit(type) {
  const res = await server.api('POST', '/api/v1/ai/jobs',
                               { token: alice.access, json: { type, input: {}, dedupe: false } });
  assert.equal(res.status, 202, res.body);
  return res.json.jobId;
}

test('a job whose external worker vanished goes to another external worker', async () => {
  const crashed = await register('crashes', ['ext.reaped']);
  const survivor = await register('survives', ['ext.reaped']);
  // Seen once, so the type is accepted at submit.
  assert.equal((await lease(crashed)).status, 200);
  const jobId = await submit('ext.reaped');
  const first = await lease(crashed, { leaseSeconds: 1 });
  assert.equal(first.status, 200, first.body);
  assert.deepEqual(first.json.jobs.map((j) => j.jobId), [jobId]);
  // `crashed` never heartbeats again. No in-process worker runs here, so only the reaper can
  // hand the job back; the survivor's long poll gets it once the lease has run out.
  const second = await lease(survivor, { waitSeconds: 20 });
  assert.equal(second.status, 200, second.body);
  assert.deepEqual(second.json.jobs.map((j) => [j.jobId, j.attempt]), [[jobId, 2]]);
  const late = await server.api('POST', `/api/v1/ai/workers/jobs/${jobId}/complete`,
                                { token: crashed.token, json: { result: { by: 'crashed' } } });
  assert.equal(late.status, 409, late.body);
  const done = await server.api('POST', `/api/v1/ai/workers/jobs/${jobId}/complete`,
                                { token: survivor.token, json: { result: { by: 'survivor' } } });
  assert.equal(done.status, 200, done.body);
  assert.equal(done.json.status, 'done');
});
