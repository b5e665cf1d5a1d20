// The job queue over HTTP: submit -> done, progress over Server-Sent Events (and resuming with
// Last-Event-ID), cancellation, idempotency keys, listing, and the error answers. Waiting is
// polling with a deadline, never a sleep.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startServer, newUser, freshPostgresDatabase, waitFor } from './harness.mjs';

const rateLimits = 'ip=100000,login=100000,ai=100000';
let server;  // 4 workers
let idle;    // no workers: jobs stay queued
let alice;
let bob;

before(async () => {
  server = await startServer({ rateLimits });
  idle = await startServer({ rateLimits, args: ['--job-workers', '0', '--max-jobs-in-flight', '3'] });
  alice = await newUser(server, 'alice');
  bob = await newUser(server, 'bob');
});

after(async () => {
  for (const s of [server, idle]) {
    if (!s) continue;
    await s.stop();
    s.cleanup();
  }
});

function submit(s, user, json) {
  return s.api('POST', '/api/v1/ai/jobs', { token: user.access, json });
}

function waitForStatus(s, user, jobId, statuses) {
  return waitFor(`job ${jobId} to be ${statuses}`, async () => {
    const res = await s.api('GET', `/api/v1/ai/jobs/${jobId}`, { token: user.access });
    assert.equal(res.status, 200);
    return statuses.includes(res.json.status) ? res.json : null;
  });
}

// Reads a job's event stream until the server ends it; returns the parsed events.
async function readEvents(s, user, jobId, headers = {}) {
  const res = await fetch(`${s.url}/api/v1/ai/jobs/${jobId}/events`, {
    headers: { authorization: `Bearer ${user.access}`, ...headers },
    signal: AbortSignal.timeout(30000),
  });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /text\/event-stream/);
  const text = await res.text();
  const events = [];
  for (const block of text.split('\n\n')) {
    const fields = Object.fromEntries(block.split('\n').filter((l) => /^(id|event|data):/.test(l))
      .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]));
    if (fields.data) events.push({ id: Number(fields.id), event: fields.event, data: JSON.parse(fields.data) });
  }
  return events;
}

test('capabilities list the noop job type', async () => {
  const res = await server.api('GET', '/api/v1/ai/capabilities', { token: alice.access });
  assert.equal(res.status, 200);
  assert.deepEqual(res.json.jobTypes.find((t) => t.type === 'noop'), { type: 'noop', available: true });
});

test('a noop job runs to done', async () => {
  const res = await submit(server, alice, { type: 'noop', input: { tag: randomUUID() } });
  assert.equal(res.status, 202);
  assert.ok(res.json.jobId);
  const job = await waitForStatus(server, alice, res.json.jobId, ['done']);
  assert.deepEqual(job.result, { ok: true });
  assert.equal(job.progress, 100);
  assert.equal(job.attempts, 1);
  assert.ok(job.startedAt && job.finishedAt);
});

test('the event stream shows progress and the final state, then closes', async () => {
  // One worker busy with a long job keeps the watched job queued until the stream is open.
  const s = await startServer({ rateLimits, args: ['--job-workers', '1'] });
  try {
    const user = await newUser(s, 'sse');
    const blocker = await submit(s, user, { type: 'noop', input: { steps: 1000 }, priority: 10 });
    await waitForStatus(s, user, blocker.json.jobId, ['running']);
    const watched = await submit(s, user, { type: 'noop', input: { steps: 10 } });
    const events = await readEvents(s, user, watched.json.jobId);
    assert.equal(events[0].data.status, 'queued');
    const last = events.at(-1);
    assert.equal(last.data.status, 'done');
    assert.deepEqual(last.data.result, { ok: true });
    assert.ok(events.some((e) => e.data.status === 'running' && e.data.progress > 0 &&
                                 e.data.progress < 100), JSON.stringify(events));
    for (let i = 1; i < events.length; ++i) assert.ok(events[i].id > events[i - 1].id);

    // Resuming after the last event: nothing is repeated and the stream ends at once.
    assert.deepEqual(await readEvents(s, user, watched.json.jobId, { 'Last-Event-ID': String(last.id) }), []);
    // Resuming from an earlier event: only the newer (final) state comes.
    const resumed = await readEvents(s, user, watched.json.jobId, { 'Last-Event-ID': String(events[0].id) });
    assert.equal(resumed.length, 1);
    assert.equal(resumed[0].id, last.id);
    const bad = await s.api('GET', `/api/v1/ai/jobs/${watched.json.jobId}/events`,
                            { token: user.access, headers: { 'Last-Event-ID': 'x' } });
    assert.equal(bad.status, 400);
  } finally {
    await s.stop();
    s.cleanup();
  }
});

test('a queued job is canceled at once', async () => {
  const user = await newUser(idle, 'cancel');
  const res = await submit(idle, user, { type: 'noop' });
  assert.equal(res.status, 202);
  const canceled = await idle.api('DELETE', `/api/v1/ai/jobs/${res.json.jobId}`, { token: user.access });
  assert.equal(canceled.status, 202);
  assert.equal(canceled.json.status, 'canceled');
  const again = await idle.api('GET', `/api/v1/ai/jobs/${res.json.jobId}`, { token: user.access });
  assert.equal(again.json.status, 'canceled');
});

test('a running job stops when canceled', async () => {
  const s = await startServer({ rateLimits, args: ['--job-workers', '1'] });
  try {
    const user = await newUser(s, 'stop');
    const res = await submit(s, user, { type: 'noop', input: { steps: 1000 } });
    await waitForStatus(s, user, res.json.jobId, ['running']);
    const asked = await s.api('DELETE', `/api/v1/ai/jobs/${res.json.jobId}`, { token: user.access });
    assert.equal(asked.status, 202);
    assert.ok(asked.json.status === 'canceled' || asked.json.cancelRequested);
    const job = await waitForStatus(s, user, res.json.jobId, ['canceled', 'done', 'failed']);
    assert.equal(job.status, 'canceled');
    assert.ok(job.progress < 100);
  } finally {
    await s.stop();
    s.cleanup();
  }
});

test('an idempotency key returns the same job with 200', async () => {
  const key = randomUUID();
  const first = await submit(server, alice, { type: 'noop', input: { k: 1 }, idempotencyKey: key });
  assert.equal(first.status, 202);
  const second = await submit(server, alice, { type: 'noop', input: { k: 1 }, idempotencyKey: key });
  assert.equal(second.status, 200);
  assert.equal(second.json.jobId, first.json.jobId);
  const reused = await submit(server, alice, { type: 'noop', input: { k: 2 }, idempotencyKey: key });
  assert.equal(reused.status, 409);
  assert.equal(reused.json.error.code, 'idempotency_key_reused');
});

test('a done job with the same input is returned again unless dedupe is false', async () => {
  const input = { same: randomUUID(), nested: { b: 1, a: 2 } };
  const first = await submit(server, alice, { type: 'noop', input });
  await waitForStatus(server, alice, first.json.jobId, ['done']);
  const again = await submit(server, alice, { type: 'noop', input: { nested: { a: 2, b: 1 }, same: input.same } });
  assert.equal(again.status, 200);
  assert.equal(again.json.jobId, first.json.jobId);
  assert.deepEqual(again.json.result, { ok: true });
  const fresh = await submit(server, alice, { type: 'noop', input, dedupe: false });
  assert.equal(fresh.status, 202);
  assert.notEqual(fresh.json.jobId, first.json.jobId);
});

test('jobs list pages through my jobs and filters by status', async () => {
  const user = await newUser(idle, 'list');
  const ids = [];
  for (let i = 0; i < 3; ++i) ids.push((await submit(idle, user, { type: 'noop', input: { i } })).json.jobId);
  await idle.api('DELETE', `/api/v1/ai/jobs/${ids[0]}`, { token: user.access });
  const page = await idle.api('GET', '/api/v1/ai/jobs?limit=2', { token: user.access });
  assert.equal(page.status, 200);
  assert.deepEqual(page.json.items.map((j) => j.id), [ids[2], ids[1]]);
  const next = await idle.api('GET', `/api/v1/ai/jobs?limit=2&cursor=${page.json.nextCursor}`,
                              { token: user.access });
  assert.deepEqual(next.json.items.map((j) => j.id), [ids[0]]);
  const canceled = await idle.api('GET', '/api/v1/ai/jobs?status=canceled', { token: user.access });
  assert.deepEqual(canceled.json.items.map((j) => j.id), [ids[0]]);
  const other = await newUser(idle, 'other');
  const theirs = await idle.api('GET', '/api/v1/ai/jobs', { token: other.access });
  assert.deepEqual(theirs.json.items, []);
  const bad = await idle.api('GET', '/api/v1/ai/jobs?status=lost', { token: user.access });
  assert.equal(bad.status, 400);
});

test('too many jobs in flight is 429 and stores nothing', async () => {
  const user = await newUser(idle, 'busy');
  for (let i = 0; i < 3; ++i) assert.equal((await submit(idle, user, { type: 'noop', input: { i } })).status, 202);
  const res = await submit(idle, user, { type: 'noop', input: { i: 3 } });
  assert.equal(res.status, 429);
  assert.equal(res.json.error.code, 'too_many_jobs');
  assert.ok(res.headers.get('retry-after'));
  const list = await idle.api('GET', '/api/v1/ai/jobs', { token: user.access });
  assert.equal(list.json.items.length, 3);
});

test('bad submissions are rejected', async () => {
  const cases = [
    [{ type: 'paint' }, 422, 'unknown_job_type'],
    [{ type: 'noop', priority: 11 }, 400, 'validation_failed'],
    [{ type: 'noop', maxAttempts: 0 }, 400, 'validation_failed'],
    [{ type: 'noop', input: [1, 2] }, 400, 'validation_failed'],
    [{ type: 'noop', colour: 'red' }, 400, null],
    [{ type: 'NOOP!' }, 400, 'validation_failed'],
    [{}, 400, 'validation_failed'],
    [{ type: 'noop', projectId: randomUUID() }, 404, 'not_found'],
    [{ type: 'noop', input: { blob: 'x'.repeat(300 * 1024) } }, 413, null],
  ];
  for (const [json, status, code] of cases) {
    const res = await submit(server, alice, json);
    assert.equal(res.status, status, JSON.stringify(json).slice(0, 100));
    if (code) assert.equal(res.json.error.code, code);
  }
  const unauthenticated = await server.api('POST', '/api/v1/ai/jobs', { json: { type: 'noop' } });
  assert.equal(unauthenticated.status, 401);
  const list = await server.api('GET', '/api/v1/ai/jobs?type=paint', { token: alice.access });
  assert.deepEqual(list.json.items, []);
});

test('a job names only a project its submitter can read', async () => {
  const project = await server.api('POST', '/api/v1/projects', { token: bob.access, json: { title: 'Bob' } });
  assert.equal(project.status, 201);
  const foreign = await submit(server, alice, { type: 'noop', projectId: project.json.id });
  assert.equal(foreign.status, 404);
  const own = await submit(server, bob, { type: 'noop', projectId: project.json.id, input: { p: 1 } });
  assert.equal(own.status, 202);
  assert.equal(own.json.projectId, project.json.id);
});

test("another user's job is not found", async () => {
  const res = await submit(server, alice, { type: 'noop', input: { secret: randomUUID() } });
  const id = res.json.jobId;
  for (const [method, path] of [['GET', `/api/v1/ai/jobs/${id}`], ['DELETE', `/api/v1/ai/jobs/${id}`],
                                ['GET', `/api/v1/ai/jobs/${id}/events`]]) {
    const other = await server.api(method, path, { token: bob.access });
    assert.equal(other.status, 404, `${method} ${path}`);
  }
  const missing = await server.api('GET', '/api/v1/ai/jobs/not-a-job', { token: alice.access });
  assert.equal(missing.status, 404);
});

test('on PostgreSQL a submit on one node wakes idle workers on another (LISTEN/NOTIFY)', async () => {
  // Two nodes need a shared database, so this runs on PostgreSQL whatever OD_TEST_DATABASE says
  // (an SQLite database belongs to one node).
  const database = freshPostgresDatabase();
  const api = await startServer({ rateLimits, database, args: ['--job-workers', '0'] });
  // Workers that would otherwise look for work only once an hour: only NOTIFY can start the job.
  const worker = await startServer({ rateLimits, database,
                                     args: ['--job-workers', '2', '--job-poll-ms', '3600000'] });
  try {
    const user = await newUser(api, 'notify');
    const res = await submit(api, user, { type: 'noop', input: { steps: 3 } });
    assert.equal(res.status, 202);
    const job = await waitForStatus(api, user, res.json.jobId, ['done']);
    assert.deepEqual(job.result, { ok: true });
  } finally {
    await worker.stop();
    await api.stop();
    worker.cleanup();
    api.cleanup();
  }
});

test('SIGTERM lets a running job finish before the server exits', async () => {
  const first = await startServer({ rateLimits, args: ['--job-workers', '1'] });
  const user = await newUser(first, 'drain');
  const res = await submit(first, user, { type: 'noop', input: { steps: 300 } });
  await waitForStatus(first, user, res.json.jobId, ['running']);
  const exit = await first.stop();
  assert.equal(exit.code, 0);
  const again = await startServer({ rateLimits, dataDir: first.dataDir, database: first.database,
                                    args: ['--job-workers', '0'] });
  try {
    const job = await again.api('GET', `/api/v1/ai/jobs/${res.json.jobId}`, { token: user.access });
    assert.equal(job.json.status, 'done');
    assert.equal(job.json.attempts, 1);
  } finally {
    await again.stop();
    again.cleanup();
  }
});
