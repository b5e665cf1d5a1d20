// A server that runs no job itself (--job-workers 0): every job is done by external HTTP workers.
// Expired leases still go back to the queue (the reaper runs apart from the in-process pool), and
// long polls wait parked, without holding an HTTP handler thread each.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, newUser, makeAdmin, waitFor } from './harness.mjs';

const rateLimits = 'ip=100000,login=100000,ai=100000';
let server;
let admin;
let alice;

before(async () => {
  // 1 s leases, so a vanished worker's job comes back within a test; 2 HTTP handler threads, so
  // a few parked polls would take them all if polls held threads.
  server = await startServer({
    rateLimits,
    args: ['--job-workers', '0', '--job-lease-seconds', '1', '--worker-threads', '2',
           '--worker-max-polls', '6'],
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

async function parkedPolls() {
  const res = await server.api('GET', '/metrics');
  assert.equal(res.status, 200);
  const match = /^external_worker_polls_parked(?:\{\})? (\d+)/m.exec(res.body);
  assert.ok(match, 'the gauge is exported');
  return Number(match[1]);
}

test('a parked poll ends with no job when its wait is over', async () => {
  const idle = await register('idle', ['ext.idle']);
  const res = await lease(idle, { waitSeconds: 1 });
  assert.equal(res.status, 200, res.body);
  assert.deepEqual(res.json.jobs, []);
});

test('more parked polls than handler threads; others answered meanwhile; a job wakes one', async () => {
  const poller = await register('poller', ['ext.parked']);
  assert.equal((await lease(poller)).status, 200);  // seen: the type is accepted at submit
  // Six polls on a server with two HTTP handler threads, all waiting at once.
  const polls = Array.from({ length: 6 }, () => {
    const entry = { settled: false };
    entry.promise = lease(poller, { waitSeconds: 25 }).then((res) => {
      entry.settled = true;
      return res;
    });
    return entry;
  });
  await waitFor('six parked polls', async () => (await parkedPolls()) === 6);
  // The bound: a seventh poll is refused, not queued.
  const refused = await lease(poller, { waitSeconds: 25 });
  assert.equal(refused.status, 503, refused.body);
  assert.equal(refused.json.error.code, 'too_many_polls');
  assert.equal(refused.headers.get('retry-after'), '1');
  // Requests that need a handler thread (and the database) are still answered promptly.
  const listed = await fetch(`${server.url}/api/v1/ai/jobs`, {
    headers: { authorization: `Bearer ${alice.access}` }, signal: AbortSignal.timeout(5000),
  });
  assert.equal(listed.status, 200);
  assert.equal(polls.filter((p) => p.settled).length, 0);

  const first = await submit('ext.parked');
  await waitFor('one poll to get the job', () => polls.some((p) => p.settled));
  const winners = polls.filter((p) => p.settled);
  assert.equal(winners.length, 1);
  const answer = await winners[0].promise;
  assert.equal(answer.status, 200, answer.body);
  assert.deepEqual(answer.json.jobs.map((j) => j.jobId), [first]);
  assert.ok(answer.headers.get('x-request-id'), 'middleware headers survive the wait');
  assert.equal(await parkedPolls(), 5);

  // The others each get one of the next jobs.
  const more = [];
  for (let i = 0; i < 5; ++i) more.push(await submit('ext.parked'));
  const answers = await Promise.all(polls.filter((p) => p !== winners[0]).map((p) => p.promise));
  const leased = answers.flatMap((res) => {
    assert.equal(res.status, 200, res.body);
    assert.equal(res.json.jobs.length, 1);
    return res.json.jobs.map((j) => j.jobId);
  });
  assert.deepEqual(leased.sort(), more.sort());
  assert.equal(await parkedPolls(), 0);
});
