// Webhooks on job completion: the receiver checks the signature with the user's secret, failed
// attempts (500s) are retried with backoff and every attempt is recorded, deliveries give up
// after the configured attempts, the SSRF guard refuses loopback and link-local targets unless
// --webhook-allow-private is set, and bad webhook URLs are refused at submit.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, newUser, waitFor } from './harness.mjs';
import { startReceiver, verifySignature } from './webhook_receiver.mjs';

const rateLimits = 'ip=100000,login=100000,ai=100000';
let open;     // --webhook-allow-private true: may reach the local receiver
let guarded;  // default: the SSRF guard is on
let receiver;
let alice;

before(async () => {
  receiver = await startReceiver({ '/flaky': [500, 500, 200], '/down': [500], '/restart': [500, 200] });
  open = await startServer({
    rateLimits,
    args: ['--webhook-allow-private', 'true', '--webhook-base-delay-ms', '100',
           '--webhook-attempts', '3'],
  });
  guarded = await startServer({ rateLimits });
  alice = await newUser(open, 'alice');
});

after(async () => {
  for (const s of [open, guarded]) {
    if (!s) continue;
    await s.stop();
    s.cleanup();
  }
  await receiver?.close();
});

async function submit(server, user, json) {
  const res = await server.api('POST', '/api/v1/ai/jobs', { token: user.access, json });
  return res;
}

// Waits until the job's only delivery is final; returns it.
function finalDelivery(server, user, jobId) {
  return waitFor(`the webhook of ${jobId} to finish`, async () => {
    const res = await server.api('GET', `/api/v1/ai/jobs/${jobId}/deliveries`, { token: user.access });
    assert.equal(res.status, 200, res.body);
    const [delivery] = res.json.items;
    return delivery && delivery.status !== 'pending' ? delivery : null;
  }, 30000);
}

test('a completed job is POSTed to its webhook, signed with the owner\'s secret', async () => {
  const secret = (await open.api('GET', '/api/v1/ai/webhook-secret', { token: alice.access })).json.secret;
  assert.match(secret, /^whsec_/);
  const res = await submit(open, alice, { type: 'noop', input: { steps: 2 }, webhookUrl: `${receiver.url}/ok` });
  assert.equal(res.status, 202, res.body);
  const jobId = res.json.jobId;
  const delivery = await finalDelivery(open, alice, jobId);
  assert.equal(delivery.status, 'delivered');
  assert.equal(delivery.event, 'job.completed');
  assert.equal(delivery.attempts.length, 1);
  assert.equal(delivery.attempts[0].statusCode, 200);

  const [request] = receiver.at('/ok').filter((r) => JSON.parse(r.body).job.id === jobId);
  assert.equal(request.method, 'POST');
  assert.equal(request.headers['x-opendesign-event'], 'job.completed');
  assert.equal(request.headers['x-opendesign-delivery'], delivery.id);
  assert.ok(verifySignature(secret, request.headers['x-opendesign-signature'], request.body),
            'the signature verifies with the user\'s secret');
  assert.ok(!verifySignature(secret + 'x', request.headers['x-opendesign-signature'], request.body));
  assert.ok(!verifySignature(secret, request.headers['x-opendesign-signature'], request.body + ' '));
  const body = JSON.parse(request.body);
  assert.equal(body.event, 'job.completed');
  assert.equal(body.job.status, 'done');
  assert.deepEqual(body.job.result, { ok: true });
});

test('a submit with a webhook is not answered with an earlier job', async () => {
  const input = { same: 'input' };
  const first = await submit(open, alice, { type: 'noop', input, webhookUrl: `${receiver.url}/again` });
  await finalDelivery(open, alice, first.json.jobId);
  const second = await submit(open, alice, { type: 'noop', input, webhookUrl: `${receiver.url}/again` });
  assert.equal(second.status, 202, 'a new job, not the deduplicated earlier one');
  assert.notEqual(second.json.jobId, first.json.jobId);
  await finalDelivery(open, alice, second.json.jobId);
  assert.equal(receiver.at('/again').length, 2);
});

test('a rotated secret signs the next deliveries', async () => {
  const before = (await open.api('GET', '/api/v1/ai/webhook-secret', { token: alice.access })).json.secret;
  const rotated = await open.api('POST', '/api/v1/ai/webhook-secret/rotate', { token: alice.access });
  assert.equal(rotated.status, 200);
  assert.notEqual(rotated.json.secret, before);
  const again = (await open.api('GET', '/api/v1/ai/webhook-secret', { token: alice.access })).json.secret;
  assert.equal(again, rotated.json.secret);
  const res = await submit(open, alice, { type: 'noop', input: { rotated: true }, webhookUrl: `${receiver.url}/rotated` });
  await finalDelivery(open, alice, res.json.jobId);
  const [request] = receiver.at('/rotated');
  assert.ok(verifySignature(rotated.json.secret, request.headers['x-opendesign-signature'], request.body));
  assert.ok(!verifySignature(before, request.headers['x-opendesign-signature'], request.body));
});

test('a failed job sends job.failed', async () => {
  // steps out of range: the noop handler rejects the input, a non-retryable failure.
  const failed = await submit(open, alice, { type: 'noop', input: { steps: -1 }, webhookUrl: `${receiver.url}/events` });
  const delivery = await finalDelivery(open, alice, failed.json.jobId);
  assert.equal(delivery.event, 'job.failed');
  const body = JSON.parse(receiver.at('/events').find((r) => JSON.parse(r.body).job.id === failed.json.jobId).body);
  assert.equal(body.job.status, 'failed');
  assert.equal(body.job.error.code, 'validation_failed');
});

test('a canceled job sends job.canceled', async () => {
  const res = await submit(open, alice, { type: 'noop', input: { steps: 1000 }, webhookUrl: `${receiver.url}/events` });
  await waitFor('the job to start', async () => {
    const job = await open.api('GET', `/api/v1/ai/jobs/${res.json.jobId}`, { token: alice.access });
    return job.json.status === 'running';
  });
  const canceled = await open.api('DELETE', `/api/v1/ai/jobs/${res.json.jobId}`, { token: alice.access });
  assert.equal(canceled.status, 202);
  const delivery = await finalDelivery(open, alice, res.json.jobId);
  assert.equal(delivery.event, 'job.canceled');
  const body = JSON.parse(receiver.at('/events').find((r) => JSON.parse(r.body).job.id === res.json.jobId).body);
  assert.equal(body.job.status, 'canceled');
});

test('500 answers are retried with backoff and every attempt is recorded', async () => {
  const res = await submit(open, alice, { type: 'noop', input: { flaky: 1 }, webhookUrl: `${receiver.url}/flaky` });
  const delivery = await finalDelivery(open, alice, res.json.jobId);
  assert.equal(delivery.status, 'delivered');
  assert.deepEqual(delivery.attempts.map((a) => a.statusCode), [500, 500, 200]);
  assert.deepEqual(delivery.attempts.map((a) => a.attempt), [1, 2, 3]);
  assert.equal(delivery.attempts[0].error, 'HTTP 500');
  for (const a of delivery.attempts) assert.ok(a.durationMs >= 0);
  // Backoff: the second retry waited at least twice the base delay (100 ms) after the first.
  const at = delivery.attempts.map((a) => Date.parse(a.at));
  assert.ok(at[1] - at[0] >= 100 && at[2] - at[1] >= 200, JSON.stringify(delivery.attempts));
  const sent = receiver.at('/flaky');
  assert.equal(sent.length, 3);
  assert.equal(new Set(sent.map((r) => r.headers['x-opendesign-delivery'])).size, 1, 'one delivery id');
});

test('a delivery gives up after the configured attempts', async () => {
  const res = await submit(open, alice, { type: 'noop', input: { down: 1 }, webhookUrl: `${receiver.url}/down` });
  const delivery = await finalDelivery(open, alice, res.json.jobId);
  assert.equal(delivery.status, 'failed');
  assert.equal(delivery.attempts.length, 3);
  assert.equal(receiver.at('/down').length, 3);
});

test('a pending delivery survives kill -9 and is sent by the next server', async () => {
  // Retries 3 s apart: the first attempt fails (500) and the server dies before the second.
  const args = ['--webhook-allow-private', 'true', '--webhook-base-delay-ms', '3000'];
  const first = await startServer({ rateLimits, args });
  const user = await newUser(first, 'restart');
  const res = await submit(first, user, { type: 'noop', input: {}, webhookUrl: `${receiver.url}/restart` });
  await waitFor('the first attempt', async () => {
    const list = await first.api('GET', `/api/v1/ai/jobs/${res.json.jobId}/deliveries`, { token: user.access });
    return list.json.items[0]?.attempts.length === 1;
  });
  await first.kill();
  const second = await startServer({ rateLimits, args, dataDir: first.dataDir, database: first.database });
  try {
    const delivery = await finalDelivery(second, user, res.json.jobId);
    assert.equal(delivery.status, 'delivered');
    assert.deepEqual(delivery.attempts.map((a) => a.statusCode), [500, 200]);
    assert.equal(receiver.at('/restart').length, 2);
  } finally {
    await second.stop();
    first.cleanup();
  }
});

test('the SSRF guard refuses loopback and link-local targets without the allow flag', async () => {
  const bob = await newUser(guarded, 'bob');
  for (const [url, kind] of [[`${receiver.url}/guarded`, 'loopback'],
                             [`http://localhost:${receiver.port}/guarded`, 'loopback'],
                             ['http://169.254.169.254/latest/meta-data/', 'link-local'],
                             ['http://10.1.2.3/hook', 'private'],
                             ['http://[::1]:9/hook', 'loopback']]) {
    const res = await submit(guarded, bob, { type: 'noop', input: { url }, webhookUrl: url });
    assert.equal(res.status, 202, res.body);
    const delivery = await finalDelivery(guarded, bob, res.json.jobId);
    assert.equal(delivery.status, 'failed', url);
    assert.equal(delivery.attempts.length, 1, 'a refused target is not retried');
    assert.equal(delivery.attempts[0].statusCode, null);
    assert.match(delivery.attempts[0].error, new RegExp(`refused.*${kind}`), url);
  }
  assert.equal(receiver.at('/guarded').length, 0, 'nothing reached the receiver');
});

test('bad webhook URLs are refused at submit and nothing is queued', async () => {
  const bad = ['ftp://example.com/x', 'example.com/hook', 'http://user:pw@example.com/', 'http://',
               `http://example.com/${'a'.repeat(2048)}`, 'http://example.com:99999/', 42, ''];
  for (const webhookUrl of bad) {
    const res = await submit(open, alice, { type: 'noop', input: { webhookUrl }, webhookUrl });
    assert.equal(res.status, 400, `${webhookUrl}: ${res.body}`);
    assert.equal(res.json.error.code, 'validation_failed');
  }
  const list = await open.api('GET', '/api/v1/ai/jobs?limit=100', { token: alice.access });
  assert.ok(!list.json.items.some((j) => bad.includes(j.webhookUrl)));
});

test('deliveries of another user\'s job are not found', async () => {
  const res = await submit(open, alice, { type: 'noop', input: { private: 1 }, webhookUrl: `${receiver.url}/ok` });
  const mallory = await newUser(open, 'mallory');
  const peek = await open.api('GET', `/api/v1/ai/jobs/${res.json.jobId}/deliveries`, { token: mallory.access });
  assert.equal(peek.status, 404);
  const anonymous = await open.api('GET', '/api/v1/ai/webhook-secret');
  assert.equal(anonymous.status, 401);
});
