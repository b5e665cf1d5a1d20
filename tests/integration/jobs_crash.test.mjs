// Crash safety of the job queue: 2,000 noop jobs with progress steps are queued, the server is
// killed with SIGKILL while workers are mid-job, and a new server on the same storage finishes
// them. Every job must reach a final state (none lost, none stuck), no job may be run to done
// twice (attempts stay within one crash's worth of retries), and jobs done before the kill are
// not run again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, newUser, waitFor } from './harness.mjs';

const kJobs = 2000;
const kBatch = 50;  // submits in flight at once
const kDeadlineMs = 120_000;  // generous: the machine is shared and slow under load
const args = ['--job-workers', '4', '--job-lease-seconds', '1', '--max-jobs-in-flight', '100000'];
const rateLimits = 'ip=100000,login=100000,ai=100000';

// Every job of the user, through all pages.
async function allJobs(server, user) {
  const jobs = [];
  let cursor = '';
  for (;;) {
    const res = await server.api('GET', `/api/v1/ai/jobs?limit=100${cursor}`, { token: user.access });
    assert.equal(res.status, 200);
    jobs.push(...res.json.items);
    if (!res.json.nextCursor) return jobs;
    cursor = `&cursor=${res.json.nextCursor}`;
  }
}

test('jobs survive kill -9 of the server mid-way', { timeout: 300000 }, async () => {
  // Queue everything first on a server that runs nothing, so the kill below lands while the
  // workers are busy with a full queue (submitting while they run lets them drain it as fast as
  // it fills, and then nothing is mid-way when the kill comes).
  const loader = await startServer({ rateLimits, args: ['--job-workers', '0', '--max-jobs-in-flight', '100000'] });
  const user = await newUser(loader, 'crash');
  const ids = new Set();
  for (let start = 0; start < kJobs; start += kBatch) {
    const batch = [];
    for (let i = start; i < Math.min(kJobs, start + kBatch); ++i) {
      batch.push(loader.api('POST', '/api/v1/ai/jobs',
                            { token: user.access, json: { type: 'noop', input: { i, steps: 2 } } }));
    }
    for (const res of await Promise.all(batch)) {
      assert.equal(res.status, 202, res.body);
      ids.add(res.json.jobId);
    }
  }
  await loader.stop();
  const first = await startServer({ rateLimits, dataDir: loader.dataDir, database: loader.database, args });
  // Kill while some jobs are done and others are not: the workers are mid-way.
  await waitFor('some jobs to finish', async () => {
    const res = await first.api('GET', '/api/v1/ai/jobs?status=done&limit=100', { token: user.access });
    return res.json.items.length >= 20;
  }, kDeadlineMs);
  await first.kill();
  const before = await (async () => {
    const s = await startServer({ rateLimits, dataDir: first.dataDir, database: first.database,
                                  args: ['--job-workers', '0'] });
    const jobs = await allJobs(s, user);
    await s.stop();
    return jobs;
  })();
  assert.ok(before.some((j) => j.status === 'queued'), 'the kill came before every job was done');
  assert.ok(before.some((j) => j.status === 'running'), 'the kill came while workers were mid-job');

  const second = await startServer({ rateLimits, dataDir: first.dataDir, database: first.database, args });
  try {
    // Polls two cheap questions (is anything queued or running?) rather than the whole list.
    await waitFor('every job to reach a final state', async () => {
      for (const status of ['queued', 'running']) {
        const res = await second.api('GET', `/api/v1/ai/jobs?status=${status}&limit=1`, { token: user.access });
        if (res.json.items.length > 0) return false;
      }
      return true;
    }, kDeadlineMs);
    const jobs = await allJobs(second, user);
    assert.equal(jobs.length, kJobs, 'no job lost or duplicated');
    assert.deepEqual(new Set(jobs.map((j) => j.id)), ids);
    for (const job of jobs) {
      assert.equal(job.status, 'done', JSON.stringify(job));
      assert.ok(job.attempts <= 2, `job ${job.id} ran ${job.attempts} times`);
    }
    // None ran after it was done: jobs done before the kill are untouched by the restart.
    const after = new Map(jobs.map((j) => [j.id, j]));
    for (const job of before.filter((j) => j.status === 'done')) {
      assert.equal(after.get(job.id).attempts, job.attempts, job.id);
      assert.equal(after.get(job.id).finishedAt, job.finishedAt, job.id);
    }
  } finally {
    await second.stop();
    second.cleanup();
  }
});
