// The design2code job type through the real binary: an inline document or a project's
// designJson compiles in a job whose files come back through /api/v1/results/{id} (signed file
// links and a ZIP); bad targets, bad documents and strangers' projects are refused at submit;
// a project without a design fails the job with a 4xx code; a job with neither document nor
// project is refused at submit; job documents may nest as deep as the synchronous route takes.
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

test('neither document nor project is refused at submit with document_required', async () => {
  const res = await submit(stranger, { input: { target: 'vue' } });
  assert.equal(res.status, 422, res.body);
  assert.equal(res.json.error.code, 'document_required');
  assert.equal(res.json.error.details.field, '/input/document');
  const listed = await server.api('GET', '/api/v1/ai/jobs', { token: stranger.access });
  assert.equal(JSON.stringify(listed.json).includes('design2code'), false);
});

// A page holding `levels` frames each inside the previous one: 2 JSON levels per node level.
function nested(levels) {
  const root = { id: 'n0', type: 'frame', name: 'Deep', width: 800, height: 600 };
  let at = root;
  for (let i = 1; i < levels; i++) {
    const child = { id: `n${i}`, type: 'frame', width: 10, height: 10 };
    at.children = [child];
    at = child;
  }
  return { version: 1, name: 'deep', children: [root] };
}

function jsonDepth(value) {
  if (value === null || typeof value !== 'object') return 0;
  return 1 + Math.max(0, ...Object.values(value).map(jsonDepth));
}

test('a deep document is accepted as a job as deep as POST /design2code takes it', async () => {
  const deep = nested(200);
  assert.ok(jsonDepth(deep) > 300, `document depth ${jsonDepth(deep)}`);
  const sync = await server.api('POST', '/api/v1/design2code', { token: user.access, json: { document: deep } });
  assert.equal(sync.status, 200, sync.body);
  const res = await submit(user, { input: { document: deep } });
  assert.equal(res.status, 202, res.body);
  const status = await finished(res.json.jobId);
  assert.equal(status.status, 'done', JSON.stringify(status));
  const results = await server.api('GET', `/api/v1/results/${res.json.jobId}`, { token: user.access });
  const html = await (await fetch(server.url + results.json.files['index.html'].url)).text();
  assert.match(html, /data-node-id="n199"/);
});

test('a too-deep job document is refused at submit, and other job types keep the small bound', async () => {
  // Deeper than the synchronous route takes (536 levels for its body), refused by both alike.
  const tooDeep = nested(300);
  const sync = await server.api('POST', '/api/v1/design2code', { token: user.access, json: { document: tooDeep } });
  assert.equal(sync.status, 400, sync.body);
  const res = await submit(stranger, { input: { document: tooDeep } });
  assert.equal(res.status, 400, res.body);
  assert.equal(res.json.error.details.maxDepth, 536);
  // Far deeper than any job type takes: refused while parsing.
  const huge = await submit(stranger, { input: { document: nested(600) } });
  assert.equal(huge.status, 400, huge.body);
  // A noop job's input nests at most 63 levels, as before.
  let deepInput = {};
  for (let i = 0; i < 70; i++) deepInput = { a: deepInput };
  const noop = await server.api('POST', '/api/v1/ai/jobs',
                                { token: stranger.access, json: { type: 'noop', input: deepInput } });
  assert.equal(noop.status, 400, noop.body);
  assert.equal(noop.json.error.details.maxDepth, 63);
  const listed = await server.api('GET', '/api/v1/ai/jobs', { token: stranger.access });
  assert.equal(JSON.stringify(listed.json).includes('design2code'), false);
  assert.equal(JSON.stringify(listed.json).includes('noop'), false);
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
