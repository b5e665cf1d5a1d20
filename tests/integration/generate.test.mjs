// The brief-003 app-generator routes over the job queue, against the local fake provider
// (tests/support/fake-openai.mjs): POST /generate -> poll /jobs/{id}/status -> /results/{id}
// with signed links to every file and to a ZIP of them all; prompt validation, results before
// the job is done, other users, an unsafe answer from the model, and a server without a provider.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, newUser, waitFor } from './harness.mjs';
import { startFakeOpenAI } from '../support/fake-openai.mjs';

const rateLimits = 'ip=100000,login=100000,ai=100000';
let fake;
let server;
let plain;
const work = mkdtempSync(join(tmpdir(), 'od-generate-'));

const project = {
  files: [
    { path: 'README.md', content: '# Todo\n\nRun `npm start`.\n' },
    { path: 'client/src/App.tsx', content: 'export default function App() { return <h1>Todo</h1>; }\n' },
    { path: 'server/index.js', content: "import express from 'express';\nexpress().listen(3001);\n" },
    { path: 'db/schema.sql', content: 'CREATE TABLE todos (id SERIAL PRIMARY KEY, title TEXT);\n' },
  ],
};

before(async () => {
  fake = await startFakeOpenAI();
  server = await startServer({
    rateLimits,
    args: ['--ai-base-url', fake.url, '--ai-model', 'fake-model', '--ai-idle-timeout-seconds', '2'],
  });
  plain = await startServer({ rateLimits });
});

after(async () => {
  for (const s of [server, plain]) {
    if (!s) continue;
    await s.stop();
    s.cleanup();
  }
  if (fake) await fake.close();
  rmSync(work, { recursive: true, force: true });
});

function generate(s, user, json) {
  return s.api('POST', '/api/v1/generate', { token: user.access, json });
}

function waitForStatus(s, user, jobId) {
  return waitFor(`job ${jobId} to finish`, async () => {
    const res = await s.api('GET', `/api/v1/jobs/${jobId}/status`, { token: user.access });
    assert.equal(res.status, 200);
    return ['done', 'failed', 'canceled'].includes(res.json.status) ? res.json : null;
  });
}

test('a prompt becomes files behind signed links and a ZIP', async () => {
  fake.reset();
  fake.script({ kind: 'ok', content: JSON.stringify(project), chunkSize: 40 });
  const user = await newUser(server, 'gen');
  const res = await generate(server, user, { prompt: 'A todo app with a Postgres backend' });
  assert.equal(res.status, 202);
  assert.equal(res.json.statusUrl, `/api/v1/jobs/${res.json.jobId}/status`);
  assert.equal(res.json.resultsUrl, `/api/v1/results/${res.json.jobId}`);
  const status = await waitForStatus(server, user, res.json.jobId);
  assert.equal(status.status, 'done', JSON.stringify(status));
  assert.equal(status.type, 'generate');
  assert.equal(status.progress, 100);

  // The provider was asked for JSON, with the prompt.
  assert.equal(fake.requests[0].body.response_format.type, 'json_object');
  assert.equal(fake.requests[0].body.messages.at(-1).content, 'A todo app with a Postgres backend');

  const results = await server.api('GET', res.json.resultsUrl, { token: user.access });
  assert.equal(results.status, 200);
  assert.deepEqual(Object.keys(results.json.files).sort(), project.files.map((f) => f.path).sort());
  assert.ok(Date.parse(results.json.expiresAt) > Date.now());
  for (const file of project.files) {
    const meta = results.json.files[file.path];
    assert.equal(meta.size, Buffer.byteLength(file.content));
    assert.match(meta.sha256, /^[0-9a-f]{64}$/);
    // No Authorization: the signed link is enough.
    const download = await fetch(server.url + meta.url);
    assert.equal(download.status, 200, file.path);
    assert.equal(await download.text(), file.content);
    assert.match(download.headers.get('content-disposition'), /^attachment; filename="[^"/]+"$/);
  }
  assert.match(results.json.files['db/schema.sql'].contentType, /^application\/sql/);

  // A changed link is refused.
  const url = new URL(server.url + results.json.files['README.md'].url);
  url.searchParams.set('expires', String(Number(url.searchParams.get('expires')) + 1));
  const forged = await fetch(url);
  assert.equal(forged.status, 403);
  assert.equal((await forged.json()).error.code, 'link_invalid');
  const otherIndex = new URL(server.url + results.json.files['README.md'].url);
  otherIndex.pathname = otherIndex.pathname.replace(/\/files\/\d+$/, '/files/99');
  assert.equal((await fetch(otherIndex)).status, 403);

  const zip = await fetch(server.url + results.json.zip.url);
  assert.equal(zip.status, 200);
  assert.equal(zip.headers.get('content-type'), 'application/zip');
  const zipPath = join(work, 'result.zip');
  writeFileSync(zipPath, Buffer.from(await zip.arrayBuffer()));
  const listed = execFileSync('unzip', ['-Z1', zipPath], { encoding: 'utf8' }).trim().split('\n');
  assert.deepEqual(listed.sort(), project.files.map((f) => f.path).sort());
  for (const file of project.files) {
    assert.equal(execFileSync('unzip', ['-p', zipPath, file.path], { encoding: 'utf8' }), file.content);
  }

  // The same prompt again within 24 h answers the earlier job (brief 003: prompt-hash caching).
  const again = await generate(server, user, { prompt: 'A todo app with a Postgres backend' });
  assert.equal(again.status, 200);
  assert.equal(again.json.jobId, res.json.jobId);
  assert.equal(fake.requests.length, 1);
});

test('prompts are validated and nothing is queued for a bad one', async () => {
  const user = await newUser(server, 'genbad');
  for (const body of [{}, { prompt: '' }, { prompt: '  ' }, { prompt: 'p'.repeat(1001) }, { prompt: 42 },
                      { prompt: 'ok', extra: true }]) {
    const res = await generate(server, user, body);
    assert.equal(res.status, 400, JSON.stringify(body).slice(0, 60));
    assert.equal(res.json.error.code, 'validation_failed');
  }
  const list = await server.api('GET', '/api/v1/ai/jobs', { token: user.access });
  assert.deepEqual(list.json.items, []);
  // The longest prompt allowed is accepted (and run to the end, so no later test shares the fake).
  fake.reset();
  fake.script({ kind: 'ok', content: JSON.stringify(project) });
  const longest = await generate(server, user, { prompt: 'p'.repeat(1000) });
  assert.equal(longest.status, 202);
  assert.equal((await waitForStatus(server, user, longest.json.jobId)).status, 'done');
});

test('results before the job is done are 409, and other users see 404', async () => {
  fake.reset();
  fake.script({ kind: 'ok', content: JSON.stringify(project), chunkSize: 1, chunkDelayMs: 50 });
  const user = await newUser(server, 'genwait');
  const res = await generate(server, user, { prompt: 'slow app' });
  const early = await server.api('GET', `/api/v1/results/${res.json.jobId}`, { token: user.access });
  assert.equal(early.status, 409);
  assert.equal(early.json.error.code, 'results_not_ready');
  const stranger = await newUser(server, 'stranger');
  assert.equal((await server.api('GET', `/api/v1/jobs/${res.json.jobId}/status`, { token: stranger.access })).status, 404);
  assert.equal((await server.api('GET', `/api/v1/results/${res.json.jobId}`, { token: stranger.access })).status, 404);
  const canceled = await server.api('DELETE', `/api/v1/ai/jobs/${res.json.jobId}`, { token: user.access });
  assert.equal(canceled.status, 202);
  const status = await waitForStatus(server, user, res.json.jobId);
  assert.equal(status.status, 'canceled');
});

test('results of a job that is not a generate job are 404', async () => {
  const user = await newUser(server, 'gennoop');
  const res = await server.api('POST', '/api/v1/ai/jobs', { token: user.access, json: { type: 'noop' } });
  await waitForStatus(server, user, res.json.jobId);
  assert.equal((await server.api('GET', `/api/v1/results/${res.json.jobId}`, { token: user.access })).status, 404);
});

test('an answer with an unsafe path fails the job and stores nothing', async () => {
  fake.reset();
  fake.script({ kind: 'ok', content: JSON.stringify({ files: [{ path: '../../etc/passwd', content: 'x' }] }) });
  const user = await newUser(server, 'genunsafe');
  const res = await server.api('POST', '/api/v1/ai/jobs',
                               { token: user.access, json: { type: 'generate', input: { prompt: 'evil' }, maxAttempts: 1 } });
  assert.equal(res.status, 202);
  const status = await waitForStatus(server, user, res.json.jobId);
  assert.equal(status.status, 'failed');
  assert.equal(status.error.code, 'ai_provider_bad_response');
  assert.match(status.error.message, /unsafe path/);
  const results = await server.api('GET', `/api/v1/results/${res.json.jobId}`, { token: user.access });
  assert.equal(results.status, 409);
});

test('without a provider, generate is 422 ai_provider_unavailable', async () => {
  const user = await newUser(plain, 'gennone');
  const res = await generate(plain, user, { prompt: 'anything' });
  assert.equal(res.status, 422);
  assert.equal(res.json.error.code, 'ai_provider_unavailable');
});
