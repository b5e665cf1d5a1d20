// The image2code job type through the real binary: a page rendered in headless Chromium is
// uploaded as an asset, the job turns it into a canvas document, picture crops and code, with one
// progress event per engine stage on its event stream, and the files come back through
// /api/v1/results/{id}. Assets that do not exist, belong to someone else, are not pictures or are
// too large are refused at submit with nothing queued; a damaged picture fails only its job, and
// so does a run past the time limit (image_timeout) or a child killed mid-run (engine_crashed):
// neither is retried, neither leaves a process or a file behind, and the server carries on. A
// server killed mid-run takes its engine child with it, and a later run removes the files the
// killed one left.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync }
    from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, newUser, waitFor } from './harness.mjs';
import { openBrowser } from '../image2code/render.mjs';

const work = mkdtempSync(join(tmpdir(), 'od-i2c-job-'));
// The engine's stages in the order it runs them, then code generation in the job.
const stages = ['load', 'ocr', 'regions', 'text', 'layout', 'components', 'tokens', 'canvas',
                'codegen'];

const page = `<!doctype html><html><body style="margin:0;font-family:sans-serif;background:#fff">
<div style="height:64px;background:#212529;color:#fff;display:flex;align-items:center;gap:40px;padding:0 32px;font-size:18px">
  <b>Acme</b><span>Products</span><span>Pricing</span></div>
<h1 style="margin:80px 0 0 120px;font-size:44px;color:#1a1a2e">Ship designs faster</h1>
<p style="margin:24px 0 0 120px;font-size:18px;color:#555">Turn screenshots into editable layouts.</p>
<div style="margin:32px 0 0 120px;width:180px;height:52px;border-radius:8px;background:#0d6efd;color:#fff;
  display:flex;align-items:center;justify-content:center;font-size:18px">Get started</div>
<div style="height:120px"></div></body></html>`;

// A long page of coloured text lines, 1280 px wide and near the engine's 16384 px height bound:
// the engine needs many seconds of CPU for it (about 11 s on the development machine), so a 2 s
// limit stops it, and a test can find its child process while it runs.
const longPage = `<!doctype html><html><body style="margin:0;font-family:sans-serif;background:#fff">
${Array.from({ length: 600 }, (_, i) => `<p style="margin:8px 40px;font-size:16px;color:#${
  ((i * 2654435761) >>> 8 & 0x7f7f7f).toString(16).padStart(6, '0')}">Line ${i}: the quick brown fox
  jumps over the lazy dog, number ${i}</p>`).join('\n')}</body></html>`;
// A word on a small canvas: the engine is done with it in a small fraction of a second.
const smallPage = `<!doctype html><html><body style="margin:0;font-family:sans-serif;background:#fff">
<p style="margin:20px;font-size:20px">Hello</p></body></html>`;

let server, user, stranger, screenshot, longShot, smallShot;
before(async () => {
  const browser = await openBrowser();
  try {
    const tab = await browser.context.newPage();
    await tab.route('**/*', (route) => route.abort());  // the page needs nothing from outside
    await tab.setViewportSize({ width: 1024, height: 600 });
    await tab.setContent(page);
    screenshot = await tab.screenshot({ fullPage: true });
    await tab.setViewportSize({ width: 1280, height: 800 });
    await tab.setContent(longPage);
    longShot = await tab.screenshot({ fullPage: true,
                                      clip: { x: 0, y: 0, width: 1280, height: 16000 } });
    await tab.setViewportSize({ width: 240, height: 80 });
    await tab.setContent(smallPage);
    smallShot = await tab.screenshot();
  } finally {
    await browser.close();
  }
  server = await startServer({ rateLimits: 'ip=100000,login=100000,ai=100000,upload=1000' });
  user = await newUser(server, 'i2cjob');
  stranger = await newUser(server, 'i2cjobx');
});
after(async () => {
  await server?.stop();
  server?.cleanup();
  rmSync(work, { recursive: true, force: true });
});

async function upload(who, bytes, type, on = server) {
  const res = await on.api('POST', '/api/v1/assets',
                               { token: who.access, body: bytes, headers: { 'content-type': type } });
  assert.equal(res.status, 201, res.body);
  return res.json.id;
}

function submit(who, input, { on = server, maxAttempts = 1 } = {}) {
  return on.api('POST', '/api/v1/ai/jobs', {
    token: who.access, json: { type: 'image2code', maxAttempts, dedupe: false, input } });
}

function finished(jobId, { on = server, who = user } = {}) {
  return waitFor(`job ${jobId} to finish`, async () => {
    const res = await on.api('GET', `/api/v1/ai/jobs/${jobId}`, { token: who.access });
    assert.equal(res.status, 200, res.body);
    return ['done', 'failed', 'canceled'].includes(res.json.status) ? res.json : null;
  }, 60000);
}

// The job's event stream until the server ends it (after the final state), parsed.
async function streamedStates(jobId) {
  const res = await fetch(`${server.url}/api/v1/ai/jobs/${jobId}/events`, {
    headers: { authorization: `Bearer ${user.access}` }, signal: AbortSignal.timeout(60000) });
  assert.equal(res.status, 200);
  const states = [];
  for (const block of (await res.text()).split('\n\n')) {
    const data = block.split('\n').find((l) => l.startsWith('data:'));
    if (data) states.push(JSON.parse(data.slice(5)));
  }
  return states;
}

async function countJobs(who) {
  const res = await server.api('GET', '/api/v1/ai/jobs?type=image2code&limit=100',
                               { token: who.access });
  assert.equal(res.status, 200, res.body);
  return res.json.items.length;
}

async function download(results, path) {
  const file = results.files[path];
  assert.ok(file, `${path} in ${Object.keys(results.files).join()}`);
  const res = await fetch(server.url + file.url);
  assert.equal(res.status, 200);
  return Buffer.from(await res.arrayBuffer());
}

function texts(node, out = []) {
  if (node.type === 'text') out.push(node.text.characters);
  for (const child of node.children ?? []) texts(child, out);
  return out;
}

test('capabilities list the image2code job type', async () => {
  const res = await server.api('GET', '/api/v1/ai/capabilities', { token: user.access });
  assert.equal(res.status, 200, res.body);
  assert.ok(res.json.jobTypes.some((t) => t.type === 'image2code' && t.available), res.body);
});

test('a screenshot becomes a canvas document and HTML, a progress event per stage', async () => {
  const assetId = await upload(user, screenshot, 'image/png');
  const res = await submit(user, { assetId, target: 'html' });
  assert.equal(res.status, 202, res.body);
  const states = await streamedStates(res.json.jobId);
  const last = states.at(-1);
  assert.equal(last.status, 'done', JSON.stringify(last));
  // Stage names arrive in pipeline order, each once; the stream may join after the first ones.
  const seen = states.filter((s) => s.status === 'running').map((s) => s.progressMessage)
                     .filter((m) => stages.includes(m));
  assert.deepEqual([...new Set(seen)], seen, seen.join());
  assert.deepEqual(seen, stages.slice(stages.length - seen.length), seen.join());
  assert.ok(seen.length >= 3, `stages seen: ${seen.join()}`);
  const percents = states.map((s) => s.progress);
  assert.deepEqual(percents, [...percents].sort((a, b) => a - b), percents.join());

  assert.equal(last.result.target, 'html');
  assert.equal(last.result.document, 'design.json');
  assert.equal(last.result.width, 1024);
  const results = await server.api('GET', `/api/v1/results/${res.json.jobId}`, { token: user.access });
  assert.equal(results.status, 200, results.body);
  assert.ok(results.json.files['index.html'] && results.json.files['styles.css'],
            Object.keys(results.json.files).join());

  const doc = JSON.parse(await download(results.json, 'design.json'));
  assert.equal(doc.version, 1);
  assert.equal(doc.children[0].width, 1024);
  const words = texts(doc).join(' ');
  for (const expected of ['Ship designs faster', 'Get started', 'Pricing']) {
    assert.ok(words.includes(expected), `"${expected}" in ${words}`);
  }
  const html = (await download(results.json, 'index.html')).toString();
  assert.match(html, /Ship designs faster/);
  assert.match(html, /Get started/);
  // The owner's results only.
  const theirs = await server.api('GET', `/api/v1/results/${res.json.jobId}`, { token: stranger.access });
  assert.equal(theirs.status, 404);
});

test('target canvas gives the document without code; react gives a React project', async () => {
  const assetId = await upload(user, screenshot, 'image/png');
  const canvas = await submit(user, { assetId, target: 'canvas' });
  assert.equal(canvas.status, 202, canvas.body);
  const react = await submit(user, { assetId, target: 'react' });
  assert.equal(react.status, 202, react.body);

  const canvasDone = await finished(canvas.json.jobId);
  assert.equal(canvasDone.status, 'done', JSON.stringify(canvasDone));
  const paths = canvasDone.result.files.map((f) => f.path);
  assert.ok(paths.includes('design.json'), paths.join());
  assert.deepEqual(paths.filter((p) => p !== 'design.json' && !p.startsWith('assets/')), []);

  const reactDone = await finished(react.json.jobId);
  assert.equal(reactDone.status, 'done', JSON.stringify(reactDone));
  const reactPaths = reactDone.result.files.map((f) => f.path);
  assert.ok(reactPaths.includes('package.json') && reactPaths.some((p) => p.endsWith('.tsx')),
            reactPaths.join());
});

test('missing, foreign, non-picture and oversized assets are refused at submit', async () => {
  const mine = await upload(user, screenshot, 'image/png');
  const theirs = await upload(stranger, screenshot, 'image/png');
  const video = execFileSync('ffmpeg', ['-nostdin', '-v', 'error', '-f', 'lavfi', '-i',
                                        'testsrc=size=160x120:rate=10', '-t', '1', '-c:v', 'libx264',
                                        '-pix_fmt', 'yuv420p', '-f', 'mp4',
                                        '-movflags', 'frag_keyframe+empty_moov', 'pipe:1']);
  const videoId = await upload(user, video, 'video/mp4');
  // A well-formed PNG header declaring 5000 x 5000 pixels: past the engine's 4096 px width.
  const wide = Buffer.from(screenshot);
  wide.writeUInt32BE(5000, 16);
  wide.writeUInt32BE(5000, 20);
  const wideId = await upload(user, wide, 'image/png');

  const before = await countJobs(user);
  const cases = [
    [{ assetId: '01J0000000000000000000000Z' }, 422, 'asset_not_found'],
    [{ assetId: theirs }, 422, 'asset_not_found'],
    [{ assetId: videoId }, 422, 'unsupported_asset_type'],
    [{ assetId: wideId }, 422, 'image_too_large'],
    [{ assetId: mine, target: 'svelte' }, 400, null],
    [{ assetId: mine, extra: 1 }, 400, null],
    [{ target: 'html' }, 400, null],
    [{ assetId: 'x'.repeat(65) }, 400, null],
  ];
  for (const [input, status, code] of cases) {
    const res = await submit(user, input);
    assert.equal(res.status, status, `${JSON.stringify(input)}: ${res.body}`);
    if (code) assert.equal(res.json.error.code, code, res.body);
  }
  assert.equal(await countJobs(user), before, 'nothing was queued');
});

test('a truncated picture fails its job with invalid_image; the server carries on', async () => {
  const truncated = screenshot.subarray(0, screenshot.length >> 1);
  const assetId = await upload(user, truncated, 'image/png');
  const res = await submit(user, { assetId });
  assert.equal(res.status, 202, res.body);
  const status = await finished(res.json.jobId);
  assert.equal(status.status, 'failed', JSON.stringify(status));
  assert.equal(status.error.code, 'invalid_image');
  const health = await server.api('GET', '/healthz');
  assert.equal(health.status, 200);
});

// The live child processes of `pid`, from /proc: [{pid, argv}].
function childrenOf(pid) {
  const children = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name, which is in parentheses and may hold spaces: state, ppid.
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(ppid) !== pid || state === 'Z') continue;
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      children.push({ pid: Number(entry), argv });
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return children;
}

// Whether `pid` is a running process (a zombie has ended).
function alive(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

const engineChildren = (srv) =>
  childrenOf(srv.child.pid).filter((c) => c.argv.includes('image2code-child'));

// What the job runs left in the server's image2code work directory.
function workFiles(srv) {
  const dir = join(srv.dataDir, 'tmp', 'image2code');
  return existsSync(dir) ? readdirSync(dir) : [];
}

// A final job state that failed with `code` after one attempt of the three allowed: the job
// system retries only 5xx failures, and these are 422s (the picture, not the machine).
function assertFailedOnce(status, code) {
  assert.equal(status.status, 'failed', JSON.stringify(status));
  assert.equal(status.error.code, code, JSON.stringify(status));
  assert.equal(status.attempts, 1, JSON.stringify(status));
  assert.equal(status.maxAttempts, 3, JSON.stringify(status));
}

// The engine child of the job running on `srv`, once it has started.
async function runningEngineChild(srv) {
  const [child] = await waitFor('the engine child to start', () => {
    const found = engineChildren(srv);
    return found.length > 0 ? found : null;
  });
  return child;
}

// A small picture's job on `srv` succeeds, and leaves no file behind.
async function assertNextJobSucceeds(srv, owner) {
  const assetId = await upload(owner, smallShot, 'image/png', srv);
  const res = await submit(owner, { assetId, target: 'canvas' }, { on: srv });
  assert.equal(res.status, 202, res.body);
  const done = await finished(res.json.jobId, { on: srv, who: owner });
  assert.equal(done.status, 'done', JSON.stringify(done));
  assert.deepEqual(workFiles(srv), []);
}

test('a run past the time limit fails with image_timeout, leaving no process or file; the next ' +
     'job succeeds', async () => {
  // The child's wall-clock and CPU limit both come from --media-timeout-seconds.
  const limited = await startServer({ args: ['--media-timeout-seconds', '2'] });
  try {
    const owner = await newUser(limited, 'i2ctimeout');
    const longId = await upload(owner, longShot, 'image/png', limited);
    const res = await submit(owner, { assetId: longId, target: 'canvas' },
                             { on: limited, maxAttempts: 3 });
    assert.equal(res.status, 202, res.body);
    // The run is seen in progress first, so the limit stopped a child that did start.
    await runningEngineChild(limited);
    const status = await finished(res.json.jobId, { on: limited, who: owner });
    assertFailedOnce(status, 'image_timeout');
    assert.deepEqual(engineChildren(limited), []);
    assert.deepEqual(workFiles(limited), []);

    const health = await limited.api('GET', '/healthz');
    assert.equal(health.status, 200);
    await assertNextJobSucceeds(limited, owner);
  } finally {
    await limited.stop();
    limited.cleanup();
  }
});

test('an engine child killed mid-run fails its job with engine_crashed, leaving no file; the ' +
     'server carries on', async () => {
  const assetId = await upload(user, longShot, 'image/png');
  const res = await submit(user, { assetId, target: 'canvas' }, { maxAttempts: 3 });
  assert.equal(res.status, 202, res.body);
  const child = await runningEngineChild(server);
  // The run's private directory exists while the child works in it.
  assert.equal(workFiles(server).length, 1, workFiles(server).join());
  process.kill(child.pid, 'SIGKILL');

  const status = await finished(res.json.jobId);
  assertFailedOnce(status, 'engine_crashed');
  assert.match(status.error.message, /killed by signal 9/);
  assert.deepEqual(engineChildren(server), []);
  assert.deepEqual(workFiles(server), [], 'the killed run left its directory behind');

  const health = await server.api('GET', '/healthz');
  assert.equal(health.status, 200);
  await assertNextJobSucceeds(server, user);
});

test('a server killed mid-run takes its engine child with it; a later run removes the files it ' +
     'left', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'od-i2c-killed-'));
  const first = await startServer({ dataDir });
  let second;
  try {
    const owner = await newUser(first, 'i2ckilled');
    const assetId = await upload(owner, longShot, 'image/png', first);
    const res = await submit(owner, { assetId, target: 'canvas' }, { on: first });
    assert.equal(res.status, 202, res.body);
    const child = await runningEngineChild(first);
    const [run] = workFiles(first);
    await first.kill();

    // Left alone, the orphan would finish the page (many seconds) and write its result; it is
    // killed with its parent instead, so it ends without one.
    await waitFor('the orphaned engine child to end', () => !alive(child.pid));
    const runDir = join(dataDir, 'tmp', 'image2code', run);
    assert.ok(existsSync(runDir), 'the killed server had no chance to clean up');
    assert.equal(existsSync(join(runDir, 'out', 'result.json')), false,
                 'the engine child outlived its server and finished the run');

    // Older than any live run can be: the next run on this data directory removes it.
    const dayAgo = new Date(Date.now() - 24 * 3600 * 1000);
    utimesSync(runDir, dayAgo, dayAgo);
    second = await startServer({ dataDir, database: first.database });
    await assertNextJobSucceeds(second, owner);
  } finally {
    await first.kill();
    await second?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('an engine child whose server is gone before it starts exits at once, writing nothing',
     async () => {
  const dir = mkdtempSync(join(work, 'orphan-'));
  const input = join(dir, 'input');
  writeFileSync(input, smallShot);
  // Started by this test process, it is told its parent is pid 1: the server it expects is gone.
  const run = spawnSync(process.env.OD_BINARY, ['image2code-child', '--input', input,
                                                '--output-dir', dir, '--parent-pid', '1']);
  assert.equal(run.status, 6, run.stderr.toString());
  assert.deepEqual(readdirSync(dir), ['input']);
});
