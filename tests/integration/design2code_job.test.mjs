// The design2code job type through the real binary: an inline document or a project's
// designJson compiles in a job whose files come back through /api/v1/results/{id} (signed file
// links and a ZIP); bad targets, bad documents and strangers' projects are refused at submit;
// a project without a design fails the job with a 4xx code.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer, newUser, waitFor } from './harness.mjs';

let server, user, stranger;
before(async () => {
  server = await startServer();
  user = await newUser(server, 'd2cjob');
  stranger = await newUser(server, 'd2cjobx');
});
after(async () => { await server.stop(); server.cleanup(); });

const corpus = new URL('../design2code/corpus/', import.meta.url);
const multiPage = JSON.parse(readFileSync(new URL('16-multi-page.json', corpus), 'utf8'));

function submit(who, body) {
  return server.api('POST', '/api/v1/ai/jobs',
                    { token: who.access, json: { type: 'design2code', maxAttempts: 1, ...body } });
}

function finished(jobId) {
  return waitFor(`job ${jobId} to finish`, async () => {
    const res = await server.api('GET', `/api/v1/jobs/${jobId}/status`, { token: user.access });
    assert.equal(res.status, 200, res.body);
    return ['done', 'failed', 'canceled'].includes(res.json.status) ? res.json : null;
  });
}

async function createProject(who, designJson) {
  const res = await server.api('POST', '/api/v1/projects',
                               { token: who.access, json: { title: 'D2C job', ...(designJson && { designJson }) } });
  assert.equal(res.status, 201, res.body);
  return res.json.id;
}

test('capabilities list the design2code job type', async () => {
  const res = await server.api('GET', '/api/v1/ai/capabilities', { token: user.access });
  assert.equal(res.status, 200, res.body);
  assert.ok(res.json.jobTypes.some((t) => t.type === 'design2code' && t.available), res.body);
});

test('an inline document compiles into files served by /results/{id}', async () => {
  const res = await submit(user, { input: { document: multiPage, target: 'html' } });
  assert.equal(res.status, 202, res.body);
  const status = await finished(res.json.jobId);
  assert.equal(status.status, 'done', JSON.stringify(status));
  assert.equal(status.progress, 100);

  // The job's own result lists the stored files like a generate job's.
  const job = await server.api('GET', `/api/v1/ai/jobs/${res.json.jobId}`, { token: user.access });
  assert.equal(job.json.result.target, 'html');
  assert.deepEqual(job.json.result.files.map((f) => f.path).sort(),
                   ['index.html', 'landing.html', 'pricing.html', 'styles.css']);

  const results = await server.api('GET', `/api/v1/results/${res.json.jobId}`, { token: user.access });
  assert.equal(results.status, 200, results.body);
  const landing = results.json.files['landing.html'];
  assert.match(landing.contentType, /^text\/html/);
  const download = await fetch(server.url + landing.url);
  assert.equal(download.status, 200);
  const html = await download.text();
  assert.equal(Buffer.byteLength(html), landing.size);
  assert.match(html, /<h1 class="landing-heading" data-node-id="\d+">Welcome<\/h1>/);
  // The same bytes as the synchronous endpoint gives.
  const sync = await server.api('POST', '/api/v1/design2code',
                                { token: user.access, json: { document: multiPage } });
  assert.equal(html, sync.json.files['landing.html']);

  const zip = await fetch(server.url + results.json.zip.url);
  assert.equal(zip.status, 200);
  assert.equal(zip.headers.get('content-type'), 'application/zip');
  const bytes = Buffer.from(await zip.arrayBuffer());
  assert.equal(bytes.readUInt32LE(0), 0x04034b50);  // a ZIP local file header
  // Not readable by another user.
  const theirs = await server.api('GET', `/api/v1/results/${res.json.jobId}`, { token: stranger.access });
  assert.equal(theirs.status, 404);
});

test('a project\'s designJson compiles when the job names the project', async () => {
  const projectId = await createProject(user, multiPage);
  const res = await submit(user, { projectId, input: { target: 'react', frame: 'Pricing' } });
  assert.equal(res.status, 202, res.body);
  const status = await finished(res.json.jobId);
  assert.equal(status.status, 'done', JSON.stringify(status));
  const results = await server.api('GET', `/api/v1/results/${res.json.jobId}`, { token: user.access });
  assert.equal(results.status, 200, results.body);
  assert.ok(results.json.files['src/pages/PricingPage.tsx'], Object.keys(results.json.files).join());
  assert.equal(results.json.files['src/pages/LandingPage.tsx'], undefined);
  const page = await fetch(server.url + results.json.files['src/pages/PricingPage.tsx'].url);
  assert.match(await page.text(), /data-node-id=/);
});

test('jobs on different projects with equal inputs are not deduplicated into one', async () => {
  const one = structuredClone(multiPage);
  const two = structuredClone(multiPage);
  two.children[1].children[0].text.characters = 'Another welcome';
  const texts = [];
  for (const design of [one, two]) {
    const projectId = await createProject(user, design);
    const res = await submit(user, { projectId, input: {} });
    assert.equal(res.status, 202, res.body);
    assert.equal((await finished(res.json.jobId)).status, 'done');
    const results = await server.api('GET', `/api/v1/results/${res.json.jobId}`, { token: user.access });
    texts.push(await (await fetch(server.url + results.json.files['landing.html'].url)).text());
  }
  assert.match(texts[0], />Welcome</);
  assert.match(texts[1], />Another welcome</);
});

test('a project without a design fails the job with a 4xx code', async () => {
  const projectId = await createProject(user, null);
  const res = await submit(user, { projectId, input: {} });
  assert.equal(res.status, 202, res.body);
  const status = await finished(res.json.jobId);
  assert.equal(status.status, 'failed');
  assert.equal(status.error.code, 'project_has_no_design');
  const results = await server.api('GET', `/api/v1/results/${res.json.jobId}`, { token: user.access });
  assert.equal(results.status, 409);
});

test('neither document nor project fails the job with document_required', async () => {
  const res = await submit(user, { input: { target: 'vue' } });
  assert.equal(res.status, 202, res.body);
  const status = await finished(res.json.jobId);
  assert.equal(status.status, 'failed');
  assert.equal(status.error.code, 'document_required');
});

test('a stranger\'s project is 404 at submit, nothing queued', async () => {
  const projectId = await createProject(user, multiPage);
  const res = await submit(stranger, { projectId, input: {} });
  assert.equal(res.status, 404, res.body);
  const listed = await server.api('GET', '/api/v1/ai/jobs', { token: stranger.access });
  assert.equal(listed.status, 200);
  assert.equal(JSON.stringify(listed.json).includes('design2code'), false);
});

test('bad targets, frames, fields and documents are refused at submit', async () => {
  const cases = [
    [{ document: multiPage, target: 'svelte' }, [400, 422]],
    [{ document: multiPage, frame: 42 }, [400, 422]],
    [{ document: multiPage, extra: true }, [400, 422]],
    [{ document: 'not a document' }, [400, 422]],
  ];
  for (const [input, statuses] of cases) {
    const res = await submit(stranger, { input });
    assert.ok(statuses.includes(res.status), `${JSON.stringify(Object.keys(input))}: ${res.status} ${res.body}`);
  }
  const bad = structuredClone(multiPage);
  bad.children[1].children[0].width = 'wide';
  const res = await submit(stranger, { input: { document: bad } });
  assert.equal(res.status, 422, res.body);
  assert.equal(res.json.error.code, 'invalid_document');
  assert.deepEqual(res.json.error.details.errors.map((e) => e.path), ['/children/1/children/0/width']);
  const listed = await server.api('GET', '/api/v1/ai/jobs', { token: stranger.access });
  assert.equal(JSON.stringify(listed.json).includes('design2code'), false);
});
