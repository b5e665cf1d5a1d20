// Crash safety of the job queue: 500 noop jobs with progress steps are queued, the server is
// killed with SIGKILL while workers are mid-job, and a new server on the same storage finishes
// them. Every job must reach a final state (none lost, none stuck), and no job may be run to done
// twice (attempts stay within one crash's worth of retries).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, newUser, waitFor } from './harness.mjs';

const kJobs = 500;
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
  const first = await startServer({ rateLimits, args });
  const user = await newUser(first, 'crash');
  const ids = new Set();
  for (let start = 0; start < kJobs; start += 25) {
    const batch = [];
    for (let i = start; i < Math.min(kJobs, start + 25); ++i) {
      batch.push(first.api('POST', '/api/v1/ai/jobs',
                           { token: user.access, json: { type: 'noop', input: { i, steps: 20 } } }));
    }
    for (const res of await Promise.all(batch)) {
      assert.equal(res.status, 202, res.body);
      ids.add(res.json.jobId);
    }
  }
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
  assert.ok(before.some((j) => j.status !== 'done'), 'the kill came before every job was done');

  const second = await startServer({ rateLimits, dataDir: first.dataDir, database: first.database, args });
  try {
    const jobs = await waitFor('every job to reach a final state', async () => {
      const list = await allJobs(second, user);
      return list.every((j) => ['done', 'failed', 'canceled'].includes(j.status)) ? list : null;
    }, kDeadlineMs);
    assert.equal(jobs.length, kJobs, 'no job lost or duplicated');
    assert.deepEqual(new Set(jobs.map((j) => j.id)), ids);
    for (const job of jobs) {
      assert.equal(job.status, 'done', JSON.stringify(job));
      assert.ok(job.attempts <= 2, `job ${job.id} ran ${job.attempts} times`);
    }
  } finally {
    await second.stop();
    second.cleanup();
  }
});
