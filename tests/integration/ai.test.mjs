// AI providers end to end: the real server and its real chat client against a local fake
// provider (tests/support/fake-openai.mjs) speaking the OpenAI HTTP + SSE protocol. Covers the
// refine job type (progress over SSE, result, cancellation), usage accounting (/me/usage and the
// admins' aggregate), a server without a provider (422 + capabilities), retries on 429/500, the
// circuit breaker, timeouts and malformed streams. Waiting is polling with a deadline.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, newUser, makeAdmin, waitFor } from './harness.mjs';
import { startFakeOpenAI } from '../support/fake-openai.mjs';

const rateLimits = 'ip=100000,login=100000,ai=100000';
let fake;         // the provider of `server`
let breakerFake;  // the provider of `fragile`
let server;       // refine against `fake`; a breaker that does not open during these tests
let fragile;      // refine against `breakerFake`; the circuit opens after 2 failed calls
let plain;        // no AI provider configured

function aiArgs(provider, extra = []) {
  return ['--ai-base-url', provider.url, '--ai-model', 'fake-model', '--ai-api-key', 'sk-it',
          '--ai-idle-timeout-seconds', '1', ...extra];
}

before(async () => {
  fake = await startFakeOpenAI();
  breakerFake = await startFakeOpenAI();
  server = await startServer({ rateLimits, args: aiArgs(fake, ['--ai-breaker-failures', '1000']) });
  fragile = await startServer({
    rateLimits,
    args: aiArgs(breakerFake, ['--ai-breaker-failures', '2', '--ai-max-attempts', '1',
                               '--ai-breaker-cooldown-seconds', '3600']),
  });
  plain = await startServer({ rateLimits });
});

after(async () => {
  for (const s of [server, fragile, plain]) {
    if (!s) continue;
    await s.stop();
    s.cleanup();
  }
  for (const f of [fake, breakerFake]) if (f) await f.close();
});

function submitRefine(s, user, input, extra = {}) {
  return s.api('POST', '/api/v1/ai/jobs', { token: user.access, json: { type: 'refine', input, ...extra } });
}

function waitForFinal(s, user, jobId) {
  return waitFor(`job ${jobId} to finish`, async () => {
    const res = await s.api('GET', `/api/v1/ai/jobs/${jobId}`, { token: user.access });
    assert.equal(res.status, 200);
    return ['done', 'failed', 'canceled'].includes(res.json.status) ? res.json : null;
  });
}

// Reads a job's event stream until the server ends it; returns the parsed events.
async function readEvents(s, user, jobId) {
  const res = await fetch(`${s.url}/api/v1/ai/jobs/${jobId}/events`, {
    headers: { authorization: `Bearer ${user.access}` },
    signal: AbortSignal.timeout(30000),
  });
  assert.equal(res.status, 200);
  const text = await res.text();
  const events = [];
  for (const block of text.split('\n\n')) {
    const data = block.split('\n').find((l) => l.startsWith('data:'));
    if (data) events.push(JSON.parse(data.slice(5)));
  }
  return events;
}

const code = 'let answer = 41;\nanswer++;\nconsole.log(answer);';

test('without a provider, refine is listed as unavailable and submitting it is 422 at once', async () => {
  const user = await newUser(plain, 'noai');
  const caps = await plain.api('GET', '/api/v1/ai/capabilities', { token: user.access });
  assert.equal(caps.status, 200);
  const refine = caps.json.jobTypes.find((t) => t.type === 'refine');
  assert.equal(refine.available, false);
  assert.equal(refine.reason.code, 'ai_provider_unavailable');
  assert.match(refine.reason.message, /--ai-base-url/);
  const res = await submitRefine(plain, user, { code, instruction: 'use const' });
  assert.equal(res.status, 422);
  assert.equal(res.json.error.code, 'ai_provider_unavailable');
  const list = await plain.api('GET', '/api/v1/ai/jobs', { token: user.access });
  assert.deepEqual(list.json.items, []);
  const provider = await plain.api('GET', '/api/v1/ai/provider', { token: user.access });
  assert.deepEqual(provider.json, { configured: false });
});

test('with a provider, capabilities list refine as available and the circuit is closed', async () => {
  const user = await newUser(server, 'caps');
  const caps = await server.api('GET', '/api/v1/ai/capabilities', { token: user.access });
  assert.deepEqual(caps.json.jobTypes.find((t) => t.type === 'refine'), { type: 'refine', available: true });
  const provider = await server.api('GET', '/api/v1/ai/provider', { token: user.access });
  assert.deepEqual(provider.json, { configured: true, model: 'fake-model', circuit: { state: 'closed', retryInMs: 0 } });
  assert.match((await server.api('GET', '/metrics')).body, /^ai_circuit_open 0$/m);
});

test('bad refine input is refused at submit and nothing is queued', async () => {
  const user = await newUser(server, 'badinput');
  const cases = [
    [{ instruction: 'x' }, '/input/code'],
    [{ code, instruction: '' }, '/input/instruction'],
    [{ code, instruction: 'i'.repeat(4001) }, '/input/instruction'],
    [{ code, instruction: 'x', language: 'no spaces' }, '/input/language'],
    [{ code, instruction: 'x', temperature: 2 }, '/input/temperature'],
  ];
  for (const [input, field] of cases) {
    const res = await submitRefine(server, user, input);
    assert.equal(res.status, 400, JSON.stringify(input).slice(0, 80));
    assert.equal(res.json.error.details.field, field);
  }
  const tooBig = await submitRefine(server, user, { code: 'a'.repeat(200 * 1024 + 1), instruction: 'x' });
  assert.equal(tooBig.status, 400);
  const list = await server.api('GET', '/api/v1/ai/jobs', { token: user.access });
  assert.deepEqual(list.json.items, []);
  assert.equal(fake.requests.length, 0);
});

test('refine streams from the provider with progress over SSE and returns the code', async () => {
  fake.reset();
  fake.script({ kind: 'ok', chunkSize: 6, chunkDelayMs: 40 });
  const user = await newUser(server, 'refine');
  const res = await submitRefine(server, user, { code, instruction: 'use const', language: 'js' });
  assert.equal(res.status, 202);
  const events = await readEvents(server, user, res.json.jobId);
  const last = events.at(-1);
  assert.equal(last.status, 'done', JSON.stringify(last));
  assert.equal(last.result.code, 'export const answer = 42;\nconsole.log(answer);');
  assert.equal(last.result.language, 'js');
  assert.equal(last.result.model, 'fake-model');
  assert.equal(last.result.finishReason, 'stop');
  assert.ok(last.result.usage.promptTokens > 0);
  assert.ok(last.result.usage.completionTokens > 0);
  assert.equal(last.result.usage.reported, true);
  assert.equal(last.result.usage.requests, 1);
  const generating = events.filter((e) => e.status === 'running' && /generating/.test(e.progressMessage));
  assert.ok(generating.length >= 2, JSON.stringify(events));
  assert.ok(generating.every((e) => e.progress > 0 && e.progress < 100));
  for (let i = 1; i < generating.length; ++i) assert.ok(generating[i].progress >= generating[i - 1].progress);
  // What the provider received: the configured model and key, a stream, the instruction and code.
  assert.equal(fake.requests.length, 1);
  const sent = fake.requests[0];
  assert.equal(sent.headers.authorization, 'Bearer sk-it');
  assert.equal(sent.body.model, 'fake-model');
  assert.equal(sent.body.stream, true);
  assert.match(sent.body.messages.at(-1).content, /use const/);
  assert.ok(sent.body.messages.at(-1).content.includes(code));
});

test('usage is visible to the user and, in aggregate, to admins only', async () => {
  fake.reset();
  const user = await newUser(server, 'usage');
  const ids = [];
  for (const instruction of ['rename answer', 'add types']) {
    const res = await submitRefine(server, user, { code, instruction });
    const job = await waitForFinal(server, user, res.json.jobId);
    assert.equal(job.status, 'done');
    ids.push(job.id);
  }
  const jobs = await Promise.all(ids.map(async (id) =>
    (await server.api('GET', `/api/v1/ai/jobs/${id}`, { token: user.access })).json));
  const promptTokens = jobs.reduce((n, j) => n + j.result.usage.promptTokens, 0);
  const completionTokens = jobs.reduce((n, j) => n + j.result.usage.completionTokens, 0);

  const mine = await server.api('GET', '/api/v1/me/usage', { token: user.access });
  assert.equal(mine.status, 200);
  assert.equal(mine.json.totals.jobs, 2);
  assert.equal(mine.json.totals.attempts, 2);
  assert.equal(mine.json.totals.requests, 2);
  assert.equal(mine.json.totals.promptTokens, promptTokens);
  assert.equal(mine.json.totals.completionTokens, completionTokens);
  assert.equal(mine.json.totals.totalTokens, promptTokens + completionTokens);
  assert.ok(mine.json.totals.wallMs >= 0);
  assert.deepEqual(mine.json.byType.map((t) => [t.type, t.jobs]), [['refine', 2]]);
  // Each attempt counts on the UTC day it ended (the job's finish day; both days near midnight).
  const days = new Set(jobs.flatMap((j) => [j.startedAt.slice(0, 10), j.finishedAt.slice(0, 10)]));
  assert.ok(mine.json.byDay.every((d) => days.has(d.day)), JSON.stringify(mine.json.byDay));
  assert.equal(mine.json.byDay.reduce((n, d) => n + d.attempts, 0), 2);
  assert.deepEqual(mine.json.jobs.items.map((j) => j.jobId), [...ids].reverse());
  assert.equal(mine.json.jobs.items[0].lastOutcome, 'succeeded');
  assert.equal(mine.json.jobs.items[0].model, 'fake-model');

  // Paged: one job per page.
  const page1 = await server.api('GET', '/api/v1/me/usage?limit=1', { token: user.access });
  assert.deepEqual(page1.json.jobs.items.map((j) => j.jobId), [ids[1]]);
  const page2 = await server.api('GET', `/api/v1/me/usage?limit=1&cursor=${page1.json.jobs.nextCursor}`,
                                 { token: user.access });
  assert.deepEqual(page2.json.jobs.items.map((j) => j.jobId), [ids[0]]);

  // A window before today holds nothing; bad windows are 400.
  const old = await server.api('GET', '/api/v1/me/usage?from=2020-01-01&to=2020-02-01', { token: user.access });
  assert.equal(old.json.totals.jobs, 0);
  for (const query of ['from=yesterday', 'from=2026-01-02&to=2026-01-01', 'from=2020-01-01&to=2026-01-01', 'limit=0']) {
    const bad = await server.api('GET', `/api/v1/me/usage?${query}`, { token: user.access });
    assert.equal(bad.status, 400, query);
  }

  const other = await newUser(server, 'nosy');
  assert.equal((await server.api('GET', '/api/v1/admin/usage', { token: other.access })).status, 403);
  const otherUsage = await server.api('GET', '/api/v1/me/usage', { token: other.access });
  assert.equal(otherUsage.json.totals.jobs, 0);
  const admin = await makeAdmin(server, await newUser(server, 'admin'));
  const all = await server.api('GET', '/api/v1/admin/usage', { token: admin.access });
  assert.equal(all.status, 200);
  const group = all.json.groups.find((g) => g.userId === user.id);
  assert.equal(group.type, 'refine');
  assert.equal(group.jobs, 2);
  assert.equal(group.promptTokens, promptTokens);
  assert.equal(all.json.truncated, false);
  const limited = await server.api('GET', '/api/v1/admin/usage?limit=1', { token: admin.access });
  assert.equal(limited.json.groups.length, 1);
  assert.equal(limited.json.truncated, true);
});

test('429 with Retry-After and 500 are retried, then the job succeeds', async () => {
  fake.reset();
  fake.script({ kind: '429', retryAfter: '1' }, '500', 'ok');
  const user = await newUser(server, 'retry');
  const res = await submitRefine(server, user, { code, instruction: 'retry me' });
  const job = await waitForFinal(server, user, res.json.jobId);
  assert.equal(job.status, 'done', JSON.stringify(job));
  assert.equal(job.attempts, 1);
  assert.equal(job.result.usage.requests, 3);
  assert.equal(fake.requests.length, 3);
  const mine = await server.api('GET', '/api/v1/me/usage', { token: user.access });
  assert.equal(mine.json.totals.requests, 3);
  assert.equal(mine.json.totals.attempts, 1);
});

test('a provider that stops sending fails the attempt with ai_provider_timeout', async () => {
  fake.reset();
  fake.script('hang');
  const user = await newUser(server, 'timeout');
  const res = await submitRefine(server, user, { code, instruction: 'wait forever' }, { maxAttempts: 1 });
  const job = await waitForFinal(server, user, res.json.jobId);
  assert.equal(job.status, 'failed');
  assert.equal(job.error.code, 'ai_provider_timeout');
  const mine = await server.api('GET', '/api/v1/me/usage', { token: user.access });
  assert.equal(mine.json.jobs.items[0].lastOutcome, 'failed');
  assert.equal(mine.json.jobs.items[0].lastErrorCode, 'ai_provider_timeout');
});

test('a malformed stream fails the job with a clear error', async () => {
  fake.reset();
  fake.script('malformed');
  const user = await newUser(server, 'malformed');
  const res = await submitRefine(server, user, { code, instruction: 'break it' }, { maxAttempts: 1 });
  const job = await waitForFinal(server, user, res.json.jobId);
  assert.equal(job.status, 'failed');
  assert.equal(job.error.code, 'ai_provider_bad_response');
  assert.match(job.error.message, /not a JSON object/);
});

test('a truncated stream is a retryable attempt; the retry succeeds', async () => {
  fake.reset();
  fake.script('truncated', 'ok');
  const user = await newUser(server, 'truncated');
  const res = await submitRefine(server, user, { code, instruction: 'cut me' }, { maxAttempts: 2 });
  const job = await waitForFinal(server, user, res.json.jobId);
  assert.equal(job.status, 'done', JSON.stringify(job));
  assert.equal(job.attempts, 2);
  const mine = await server.api('GET', '/api/v1/me/usage', { token: user.access });
  assert.equal(mine.json.totals.attempts, 2);
  assert.equal(mine.json.jobs.items[0].lastOutcome, 'succeeded');
});

test('a request the provider rejects (4xx) fails the job for good', async () => {
  fake.reset();
  fake.script('400', 'ok');
  const user = await newUser(server, 'rejected');
  const res = await submitRefine(server, user, { code, instruction: 'impossible' }, { maxAttempts: 3 });
  const job = await waitForFinal(server, user, res.json.jobId);
  assert.equal(job.status, 'failed');
  assert.equal(job.error.code, 'ai_provider_rejected');
  assert.equal(job.attempts, 1);
  assert.equal(fake.requests.length, 1);
});

test('cancelling a refine job stops the provider call', async () => {
  fake.reset();
  fake.script({ kind: 'ok', chunkSize: 1, chunkDelayMs: 200 });
  const user = await newUser(server, 'cancel');
  const res = await submitRefine(server, user, { code, instruction: 'slowly' });
  await waitFor('generation to start', async () => {
    const job = await server.api('GET', `/api/v1/ai/jobs/${res.json.jobId}`, { token: user.access });
    return /generating/.test(job.json.progressMessage);
  });
  const asked = await server.api('DELETE', `/api/v1/ai/jobs/${res.json.jobId}`, { token: user.access });
  assert.equal(asked.status, 202);
  const job = await waitForFinal(server, user, res.json.jobId);
  assert.equal(job.status, 'canceled');
  const mine = await server.api('GET', '/api/v1/me/usage', { token: user.access });
  assert.equal(mine.json.jobs.items[0].lastOutcome, 'canceled');
});

// The capabilities entry of `type` on server `s`.
async function capability(s, user, type) {
  const caps = await s.api('GET', '/api/v1/ai/capabilities', { token: user.access });
  assert.equal(caps.status, 200, caps.body);
  return caps.json.jobTypes.find((t) => t.type === type);
}

test('the circuit opens after repeated failures and later jobs fail fast without a call', async () => {
  breakerFake.script('500', '500');
  const user = await newUser(fragile, 'breaker');
  assert.deepEqual(await capability(fragile, user, 'refine'), { type: 'refine', available: true });
  for (const instruction of ['first', 'second']) {
    const res = await submitRefine(fragile, user, { code, instruction }, { maxAttempts: 1 });
    const job = await waitForFinal(fragile, user, res.json.jobId);
    assert.equal(job.status, 'failed');
    assert.equal(job.error.code, 'ai_provider_error');
  }
  assert.equal(breakerFake.requests.length, 2);
  const res = await submitRefine(fragile, user, { code, instruction: 'third' }, { maxAttempts: 1 });
  const job = await waitForFinal(fragile, user, res.json.jobId);
  assert.equal(job.status, 'failed');
  assert.equal(job.error.code, 'ai_provider_circuit_open');
  assert.equal(breakerFake.requests.length, 2);
  const mine = await fragile.api('GET', '/api/v1/me/usage', { token: user.access });
  assert.equal(mine.json.jobs.items[0].lastErrorCode, 'ai_provider_circuit_open');
  assert.equal(mine.json.totals.requests, 2);
  const provider = await fragile.api('GET', '/api/v1/ai/provider', { token: user.access });
  assert.equal(provider.json.configured, true);
  assert.equal(provider.json.model, 'fake-model');
  assert.equal(provider.json.circuit.state, 'open');
  assert.ok(provider.json.circuit.retryInMs > 3000 * 1000);
  const metrics = await fragile.api('GET', '/metrics');
  assert.match(metrics.body, /^ai_circuit_open 1$/m);
  assert.match(metrics.body, /^ai_job_attempts_total\{[^}]*outcome="failed"[^}]*\} 3$/m);
});

test('while the circuit is open, capabilities list the provider\'s job types as unavailable until it may close', async () => {
  // Runs after the test above opened `fragile`'s circuit for an hour.
  const user = await newUser(fragile, 'paused');
  for (const type of ['refine', 'generate']) {
    const entry = await capability(fragile, user, type);
    assert.equal(entry.available, false, type);
    assert.equal(entry.reason.code, 'ai_provider_circuit_open');
    assert.ok(entry.reason.retryAfterSeconds > 3000 && entry.reason.retryAfterSeconds <= 3600,
              String(entry.reason.retryAfterSeconds));
    const retryAt = Date.parse(entry.reason.retryAt);
    assert.ok(retryAt > Date.now() + 3000 * 1000, entry.reason.retryAt);
  }
  // Job types that do not need the provider are unaffected.
  assert.deepEqual(await capability(fragile, user, 'noop'), { type: 'noop', available: true });
});

test('once the circuit\'s cooldown has passed, the types are listed again and a probe closes it', async () => {
  const provider = await startFakeOpenAI();
  const s = await startServer({
    rateLimits,
    args: aiArgs(provider, ['--ai-breaker-failures', '1', '--ai-max-attempts', '1',
                            '--ai-breaker-cooldown-seconds', '2']),
  });
  try {
    const user = await newUser(s, 'cooldown');
    provider.script('500');
    const failed = await submitRefine(s, user, { code, instruction: 'fails' }, { maxAttempts: 1 });
    assert.equal((await waitForFinal(s, user, failed.json.jobId)).status, 'failed');
    const paused = await capability(s, user, 'refine');
    assert.equal(paused.available, false);
    assert.equal(paused.reason.code, 'ai_provider_circuit_open');
    assert.ok(paused.reason.retryAfterSeconds >= 1 && paused.reason.retryAfterSeconds <= 2);
    await waitFor('refine to be listed again', async () =>
      (await capability(s, user, 'refine')).available === true, 10000);
    const probe = await submitRefine(s, user, { code, instruction: 'works' }, { maxAttempts: 1 });
    assert.equal((await waitForFinal(s, user, probe.json.jobId)).status, 'done');
    const status = await s.api('GET', '/api/v1/ai/provider', { token: user.access });
    assert.equal(status.json.circuit.state, 'closed');
  } finally {
    await s.stop();
    s.cleanup();
    await provider.close();
  }
});

test('shutting down cuts a provider call short; the job runs again after a restart', { timeout: 60000 }, async () => {
  const slow = await startFakeOpenAI();
  const args = ['--ai-base-url', slow.url, '--ai-model', 'fake-model',
                '--ai-idle-timeout-seconds', '600', '--ai-timeout-seconds', '600'];
  const first = await startServer({ rateLimits, args });
  let second;
  try {
    slow.script('hang', 'ok');
    const user = await newUser(first, 'drain');
    const res = await submitRefine(first, user, { code, instruction: 'survive a restart' });
    await waitFor('the provider call to start', () => slow.requests.length === 1);
    // Without the interruption this would wait out the 600 s idle timeout (and the test time out).
    const exit = await first.stop();
    assert.equal(exit.code, 0);
    second = await startServer({ rateLimits, args, dataDir: first.dataDir, database: first.database });
    const job = await waitForFinal(second, user, res.json.jobId);
    assert.equal(job.status, 'done', JSON.stringify(job));
    assert.equal(job.attempts, 2);
    assert.equal(slow.requests.length, 2);
    const mine = await second.api('GET', '/api/v1/me/usage', { token: user.access });
    assert.equal(mine.json.totals.attempts, 2);
    assert.equal(mine.json.jobs.items[0].lastOutcome, 'succeeded');
  } finally {
    if (second) await second.stop();
    await first.stop();
    first.cleanup();
    await slow.close();
  }
});
