// External workers over HTTP: an admin registers a worker for a job type; the worker leases jobs
// of that type (long-polling), reports progress that job owners see over the job's event stream,
// completes or fails them (retryable or not), loses a lease that expired and went elsewhere,
// sees cancellation in its heartbeat, and is refused with a wrong or revoked token. The signed
// callback completes a leased job and rejects bad and stale signatures.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, newUser, makeAdmin, waitFor } from './harness.mjs';
import { sign } from './webhook_receiver.mjs';

const rateLimits = 'ip=100000,login=100000,ai=100000';
let server;
let admin;
let alice;
let worker;   // { workerId, token } serving ext.echo
let spare;    // a second worker for ext.echo (takes over expired leases)

before(async () => {
  // 10 s leases: the reaper looks every 2.5 s, and ordinary steps never come near the lease.
  server = await startServer({ rateLimits, args: ['--job-lease-seconds', '10'] });
  admin = await makeAdmin(server, await newUser(server, 'admin'));
  alice = await newUser(server, 'alice');
  worker = await register('echo-a', ['ext.echo', 'ext.other']);
  spare = await register('echo-b', ['ext.echo']);
});

after(async () => {
  if (!server) return;
  await server.stop();
  server.cleanup();
});

async function register(name, types) {
  const res = await server.api('POST', '/api/v1/ai/workers', { token: admin.access, json: { name, types } });
  assert.equal(res.status, 201, res.body);
  assert.match(res.json.token, /^odw_/);
  return res.json;
}

const asWorker = (w, method, path, json) => server.api(method, path, { token: w.token, json });
const lease = (w, json = {}) => asWorker(w, 'POST', '/api/v1/ai/workers/lease', json);

async function submitEcho(input = {}) {
  const res = await server.api('POST', '/api/v1/ai/jobs',
                               { token: alice.access, json: { type: 'ext.echo', input, dedupe: false } });
  assert.equal(res.status, 202, res.body);
  return res.json.jobId;
}

// Leases until the given job comes back (other tests' leftovers are failed for good).
async function leaseJob(w, jobId, extra = {}) {
  return waitFor(`${jobId} to be leased`, async () => {
    const res = await lease(w, { max: 5, ...extra });
    assert.equal(res.status, 200, res.body);
    let mine = null;
    for (const job of res.json.jobs) {
      if (job.jobId === jobId) mine = job;
      else await asWorker(w, 'POST', `/api/v1/ai/workers/jobs/${job.jobId}/fail`, { code: 'not_mine', retryable: false });
    }
    return mine;
  }, 30000);
}

async function job(id) {
  const res = await server.api('GET', `/api/v1/ai/jobs/${id}`, { token: alice.access });
  assert.equal(res.status, 200);
  return res.json;
}

// Opens the job's Server-Sent Events. `opened` resolves with the first event (the state at
// connect time); `events` with every event once the server closes the stream.
function streamEvents(jobId) {
  let opened;
  const first = new Promise((resolve) => { opened = resolve; });
  const events = (async () => {
    const res = await fetch(`${server.url}/api/v1/ai/jobs/${jobId}/events`, {
      headers: { authorization: `Bearer ${alice.access}` }, signal: AbortSignal.timeout(30000),
    });
    assert.equal(res.status, 200);
    const decoder = new TextDecoder();
    let text = '';
    const parsed = [];
    for await (const chunk of res.body) {
      text += decoder.decode(chunk, { stream: true });
      let end;
      while ((end = text.indexOf('\n\n')) >= 0) {
        const data = text.slice(0, end).split('\n').find((l) => l.startsWith('data:'));
        text = text.slice(end + 2);
        if (!data) continue;
        parsed.push(JSON.parse(data.slice(5)));
        if (parsed.length === 1) opened(parsed[0]);
      }
    }
    return parsed;
  })();
  // A stream that fails or ends without an event fails `first` too, rather than hanging.
  const ended = events.then(() => { throw new Error('the stream ended before any event'); });
  return { first: Promise.race([first, ended]), events };
}

test('registering workers is for admins, with validated input', async () => {
  const denied = await server.api('POST', '/api/v1/ai/workers', { token: alice.access, json: { name: 'x', types: ['ext.x'] } });
  assert.equal(denied.status, 403);
  for (const json of [{ name: 'x' }, { name: 'x', types: [] }, { name: '', types: ['a'] },
                      { name: 'x', types: ['Bad Type'] }, { name: 'x', types: ['a'], extra: 1 }]) {
    const res = await server.api('POST', '/api/v1/ai/workers', { token: admin.access, json });
    assert.equal(res.status, 400, JSON.stringify(json));
  }
  const list = await server.api('GET', '/api/v1/ai/workers', { token: admin.access });
  assert.equal(list.status, 200);
  const mine = list.json.items.find((w) => w.id === worker.workerId);
  assert.deepEqual(mine.types, ['ext.echo', 'ext.other']);
  assert.ok(!JSON.stringify(list.json).includes(worker.token), 'tokens are never listed');
  assert.equal((await server.api('GET', '/api/v1/ai/workers', { token: alice.access })).status, 403);
});

test('a type is accepted and listed once a worker serving it has been seen', async () => {
  const fresh = await register('late', ['ext.late']);
  const before = await server.api('POST', '/api/v1/ai/jobs', { token: alice.access, json: { type: 'ext.late' } });
  assert.equal(before.status, 422);
  assert.equal(before.json.error.code, 'unknown_job_type');
  assert.equal((await lease(fresh)).status, 200);
  const caps = await server.api('GET', '/api/v1/ai/capabilities', { token: alice.access });
  const late = caps.json.jobTypes.find((t) => t.type === 'ext.late');
  assert.deepEqual(late, { type: 'ext.late', available: true, runner: 'external' });
  const after = await server.api('POST', '/api/v1/ai/jobs', { token: alice.access, json: { type: 'ext.late' } });
  assert.equal(after.status, 202, after.body);
  // The in-process workers have no handler for it: it stays queued for the external worker.
  assert.equal((await job(after.json.jobId)).status, 'queued');
  const leased = await leaseJob(fresh, after.json.jobId);
  assert.equal(leased.type, 'ext.late');
});

test('lease, progress seen over the job stream, complete', async () => {
  await lease(worker);  // seen: ext.echo is served
  const id = await submitEcho({ text: 'hi' });
  const leased = await leaseJob(worker, id);
  assert.deepEqual(leased.input, { text: 'hi' });
  assert.equal(leased.attempt, 1);
  assert.ok(Date.parse(leased.leaseExpiresAt) > Date.now());
  assert.equal((await job(id)).status, 'running');

  const stream = streamEvents(id);
  assert.equal((await stream.first).status, 'running');
  const progress = await asWorker(worker, 'POST', `/api/v1/ai/workers/jobs/${id}/progress`, { percent: 50, message: 'halfway' });
  assert.equal(progress.status, 200, progress.body);
  assert.equal(progress.json.status, 'running');
  const seen = await job(id);
  assert.equal(seen.progress, 50);
  assert.equal(seen.progressMessage, 'halfway');
  const done = await asWorker(worker, 'POST', `/api/v1/ai/workers/jobs/${id}/complete`, { result: { echoed: 'hi' } });
  assert.equal(done.status, 200, done.body);
  assert.equal(done.json.status, 'done');
  const events = await stream.events;
  assert.ok(events.some((e) => e.progress === 50 && e.progressMessage === 'halfway'), JSON.stringify(events));
  assert.deepEqual(events.at(-1).result, { echoed: 'hi' });
  assert.equal(events.at(-1).status, 'done');
  const final = await job(id);
  assert.deepEqual(final.result, { echoed: 'hi' });
  // Finished: the lease is gone.
  const again = await asWorker(worker, 'POST', `/api/v1/ai/workers/jobs/${id}/complete`, { result: {} });
  assert.equal(again.status, 409);
  assert.equal(again.json.error.code, 'lease_lost');
});

test('a long poll returns a job submitted while it waits', async () => {
  await lease(worker);
  const waiting = lease(worker, { waitSeconds: 20, types: ['ext.other'] });
  const res = await server.api('POST', '/api/v1/ai/jobs', { token: alice.access, json: { type: 'ext.other', input: { n: 1 } } });
  assert.equal(res.status, 202);
  const got = await waiting;
  assert.equal(got.status, 200);
  assert.deepEqual(got.json.jobs.map((j) => j.jobId), [res.json.jobId]);
  await asWorker(worker, 'POST', `/api/v1/ai/workers/jobs/${res.json.jobId}/complete`, { result: {} });
});

test('retryable failures go back to the queue, others fail for good', async () => {
  const retry = await submitEcho({ fail: 'retryable' });
  await leaseJob(worker, retry);
  const failed = await asWorker(worker, 'POST', `/api/v1/ai/workers/jobs/${retry}/fail`,
                                { code: 'model_busy', message: 'try later', retryable: true });
  assert.equal(failed.status, 200, failed.body);
  assert.equal(failed.json.status, 'queued');
  assert.equal(failed.json.error.code, 'model_busy');
  // After the backoff it is leased again, as attempt 2.
  const second = await leaseJob(worker, retry);
  assert.equal(second.attempt, 2);
  await asWorker(worker, 'POST', `/api/v1/ai/workers/jobs/${retry}/complete`, { result: { ok: 1 } });
  assert.equal((await job(retry)).status, 'done');

  const fatal = await submitEcho({ fail: 'fatal' });
  await leaseJob(worker, fatal);
  const res = await asWorker(worker, 'POST', `/api/v1/ai/workers/jobs/${fatal}/fail`,
                             { code: 'bad_prompt', message: 'no', retryable: false });
  assert.equal(res.json.status, 'failed');
  const final = await job(fatal);
  assert.equal(final.status, 'failed');
  assert.equal(final.attempts, 1);
  assert.deepEqual(final.error, { code: 'bad_prompt', message: 'no' });
});

test('a lease that expired and went elsewhere is lost', async () => {
  await lease(spare);
  const id = await submitEcho({ lost: true });
  await leaseJob(worker, id, { leaseSeconds: 1 });
  // The reaper returns it to the queue once the 1 s lease ends; the spare worker takes it.
  await leaseJob(spare, id);
  for (const path of ['heartbeat', 'progress', 'complete']) {
    const json = path === 'progress' ? { percent: 1 } : path === 'complete' ? { result: {} } : {};
    const res = await asWorker(worker, 'POST', `/api/v1/ai/workers/jobs/${id}/${path}`, json);
    assert.equal(res.status, 409, `${path}: ${res.body}`);
    assert.equal(res.json.error.code, 'lease_lost');
  }
  const done = await asWorker(spare, 'POST', `/api/v1/ai/workers/jobs/${id}/complete`, { result: { by: 'spare' } });
  assert.equal(done.status, 200);
  assert.deepEqual((await job(id)).result, { by: 'spare' });
});

test('the heartbeat tells the worker that the job was canceled', async () => {
  const id = await submitEcho({ cancel: true });
  await leaseJob(worker, id);
  const beat = await asWorker(worker, 'POST', `/api/v1/ai/workers/jobs/${id}/heartbeat`);
  assert.equal(beat.json.status, 'running');
  const canceled = await server.api('DELETE', `/api/v1/ai/jobs/${id}`, { token: alice.access });
  assert.equal(canceled.status, 202);
  const after = await asWorker(worker, 'POST', `/api/v1/ai/workers/jobs/${id}/heartbeat`);
  assert.equal(after.status, 200);
  assert.equal(after.json.status, 'canceled');
  assert.equal(after.json.cancelRequested, true);
  assert.equal((await job(id)).status, 'canceled');
  const late = await asWorker(worker, 'POST', `/api/v1/ai/workers/jobs/${id}/complete`, { result: {} });
  assert.equal(late.status, 409);
});

test('wrong, malformed and revoked tokens get 401; bad bodies 400', async () => {
  for (const token of [worker.token + 'x', 'odw_nope', 'garbage', admin.access]) {
    const res = await server.api('POST', '/api/v1/ai/workers/lease', { token, json: {} });
    assert.equal(res.status, 401, token);
  }
  assert.equal((await server.api('POST', '/api/v1/ai/workers/lease', { json: {} })).status, 401);
  for (const json of [{ max: 0 }, { max: 1000 }, { waitSeconds: 3600 }, { types: 'ext.echo' }, { bogus: 1 }]) {
    assert.equal((await lease(worker, json)).status, 400, JSON.stringify(json));
  }
  const notMine = await lease(spare, { types: ['ext.other'] });
  assert.equal(notMine.status, 403);
  const doomed = await register('doomed', ['ext.echo']);
  assert.equal((await lease(doomed)).status, 200);
  const revoked = await server.api('DELETE', `/api/v1/ai/workers/${doomed.workerId}`, { token: admin.access });
  assert.equal(revoked.status, 204);
  const res = await lease(doomed);
  assert.equal(res.status, 401);
  assert.equal(res.json.error.code, 'invalid_worker_token');
});

test('the signed callback completes a leased job, idempotently', async () => {
  const id = await submitEcho({ callback: true });
  await leaseJob(worker, id);
  const body = JSON.stringify({ jobId: id, status: 'done', result: { via: 'callback' } });
  const post = (raw, signature, workerId = worker.workerId) => server.api('POST', '/api/v1/ai/callback', {
    body: raw, headers: { 'content-type': 'application/json', 'x-opendesign-worker': workerId,
                          'x-opendesign-signature': signature },
  });
  const bad = await post(body, sign('not-the-token', body));
  assert.equal(bad.status, 401);
  assert.equal(bad.json.error.code, 'invalid_signature');
  const stale = await post(body, sign(worker.token, body, Math.floor(Date.now() / 1000) - 600));
  assert.equal(stale.status, 401);
  assert.equal(stale.json.error.code, 'stale_signature');
  const tampered = await post(body.replace('callback', 'forged'), sign(worker.token, body));
  assert.equal(tampered.status, 401);
  const otherWorker = await post(body, sign(worker.token, body), spare.workerId);
  assert.equal(otherWorker.status, 401);
  assert.equal((await job(id)).status, 'running', 'rejected callbacks changed nothing');

  const good = await post(body, sign(worker.token, body));
  assert.equal(good.status, 200, good.body);
  assert.equal(good.json.status, 'done');
  assert.equal(good.json.duplicate, false);
  assert.deepEqual((await job(id)).result, { via: 'callback' });
  const repeat = await post(body, sign(worker.token, body));
  assert.equal(repeat.status, 200);
  assert.equal(repeat.json.duplicate, true);
  const contrary = JSON.stringify({ jobId: id, status: 'failed', error: { code: 'x' } });
  const conflict = await post(contrary, sign(worker.token, contrary));
  assert.equal(conflict.status, 409);
  assert.equal(conflict.json.error.code, 'job_final');
});

test('a signed callback can fail a job', async () => {
  const id = await submitEcho({ callbackFail: true });
  await leaseJob(worker, id);
  const body = JSON.stringify({ jobId: id, status: 'failed', error: { code: 'gpu_oom', message: 'out of memory' } });
  const res = await server.api('POST', '/api/v1/ai/callback', {
    body, headers: { 'content-type': 'application/json', 'x-opendesign-worker': worker.workerId,
                     'x-opendesign-signature': sign(worker.token, body) },
  });
  assert.equal(res.status, 200, res.body);
  const final = await job(id);
  assert.equal(final.status, 'failed');
  assert.deepEqual(final.error, { code: 'gpu_oom', message: 'out of memory' });
});
