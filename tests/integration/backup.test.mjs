// `opendesign backup` takes a consistent snapshot while the server runs; `restore` brings it
// back into an empty data directory, where a new server serves the same accounts and projects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, newUser, binary, databaseKind } from './harness.mjs';

test('backup while serving, restore into an empty directory, serve the same data', async () => {
  const work = mkdtempSync(join(tmpdir(), 'od-backup-'));
  const source = await startServer();
  try {
    const user = await newUser(source);
    const created = await source.api('POST', '/api/v1/projects',
                                     { token: user.access, json: { title: 'Backed up', designJson: { a: 1 } } });
    assert.equal(created.status, 201);
    const archive = join(work, 'backup.zip');
    const args = ['backup', archive, '--data-dir', source.dataDir];
    if (databaseKind === 'postgres') {
      // PostgreSQL deployments back up with pg_dump; the command says so instead of half-working.
      const run = spawnSync(binary, [...args, '--database', source.database], { encoding: 'utf8' });
      assert.notEqual(run.status, 0);
      assert.match(run.stderr, /pg_dump/);
      assert.equal(existsSync(archive), false);
      return;
    }
    execFileSync(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });  // the server is still running
    assert.ok(existsSync(archive));

    const target = join(work, 'restored');
    execFileSync(binary, ['restore', archive, '--data-dir', target], { stdio: ['ignore', 'ignore', 'pipe'] });
    const again = spawnSync(binary, ['restore', archive, '--data-dir', target], { encoding: 'utf8' });
    assert.notEqual(again.status, 0, 'restore refuses a directory that holds a database');
    assert.match(again.stderr, /exists/);

    const restored = await startServer({ dataDir: target, database: '' });
    try {
      // The old access token still verifies: the signing secret came back with the data.
      const got = await restored.api('GET', `/api/v1/projects/${created.json.id}`, { token: user.access });
      assert.equal(got.status, 200);
      assert.deepEqual(got.json.designJson, { a: 1 });
      const login = await restored.api('POST', '/api/v1/auth/login', { json: { email: user.email, password: user.password } });
      assert.equal(login.status, 200);
    } finally {
      await restored.stop();
    }
  } finally {
    await source.stop();
    source.cleanup();
    rmSync(work, { recursive: true, force: true });
  }
});

test('restore refuses an archive that is not a backup', () => {
  const work = mkdtempSync(join(tmpdir(), 'od-badrestore-'));
  try {
    const run = spawnSync(binary, ['restore', '/etc/hostname', '--data-dir', join(work, 'd')], { encoding: 'utf8' });
    assert.notEqual(run.status, 0);
    assert.match(run.stderr, /ZIP|backup/);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
