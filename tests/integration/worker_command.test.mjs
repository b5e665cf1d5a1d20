// `opendesign worker`: a process with job workers and no HTTP listener, on the same database as
// a server that runs no jobs itself (--job-workers 0). Jobs submitted to the server are run by
// the worker process; on SIGTERM it drains and exits, after which new jobs stay queued.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { startServer, newUser, waitFor, binary } from './harness.mjs';

const rateLimits = 'ip=100000,login=100000,ai=100000';

// Starts `opendesign worker` on the server's storage; resolves once it reports its workers.
async function startWorker(server, extra = []) {
  const args = ['worker', '--data-dir', server.dataDir, '--job-workers', '2', '--job-poll-ms', '200',
                ...extra];
  if (server.database) args.push('--database', server.database);
  const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const logs = [];
  const exit = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  await new Promise((resolve, reject) => {
    let buffer = '';
    child.stderr.on('data', (chunk) => {
      buffer += chunk;
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        try { logs.push(JSON.parse(line)); } catch { logs.push({ raw: line }); }
        if (logs.at(-1).msg === 'workers started') resolve();
      }
    });
    exit.then((status) => reject(new Error(`worker exited early (${JSON.stringify(status)}): ` +
                                           JSON.stringify(logs))));
  });
  return { child, logs, exit };
}

test('an opendesign worker process runs the jobs a worker-less server queues', { timeout: 120000 }, async () => {
  const server = await startServer({ rateLimits, args: ['--job-workers', '0'] });
  let worker;
  try {
    const user = await newUser(server, 'scale');
    const submit = async (i) => {
      const res = await server.api('POST', '/api/v1/ai/jobs',
                                   { token: user.access, json: { type: 'noop', input: { i, steps: 3 } } });
      assert.equal(res.status, 202, res.body);
      return res.json.jobId;
    };
    const early = await submit(-1);
    worker = await startWorker(server);
    const ids = [early];
    for (let i = 0; i < 10; ++i) ids.push(await submit(i));
    for (const id of ids) {
      const job = await waitFor(`job ${id} to be done`, async () => {
        const res = await server.api('GET', `/api/v1/ai/jobs/${id}`, { token: user.access });
        return res.json.status === 'done' ? res.json : null;
      }, 60000);
      assert.deepEqual(job.result, { ok: true });
      assert.equal(job.progress, 100);
    }

    // SIGTERM drains: the process exits cleanly, and nothing runs the next job any more.
    worker.child.kill('SIGTERM');
    assert.deepEqual(await worker.exit, { code: 0, signal: null });
    assert.ok(worker.logs.some((l) => l.msg === 'stopped'));
    worker = null;
    const orphan = await submit(99);
    const res = await server.api('GET', `/api/v1/ai/jobs/${orphan}`, { token: user.access });
    assert.equal(res.json.status, 'queued', 'no worker is left to run it');
  } finally {
    if (worker) worker.child.kill('SIGKILL');
    await server.stop();
    server.cleanup();
  }
});

test('opendesign worker refuses to start without workers', async () => {
  const server = await startServer({ rateLimits });
  try {
    await assert.rejects(startWorker(server, ['--job-workers', '0']), /worker exited early.*"code":1/);
  } finally {
    await server.stop();
    server.cleanup();
  }
});
