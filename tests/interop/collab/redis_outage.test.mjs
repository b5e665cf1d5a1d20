// Two instances lose their Redis while clients keep editing: updates stored meanwhile reach the
// other instance's clients once Redis is back (the reader reconnects and rooms reload what they
// missed from the database). Starts its own redis-server, since the test stops it; PostgreSQL
// from OD_TEST_POSTGRES_URL as in scale.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshPostgresDatabase } from '../../integration/harness.mjs';
import { connect, eventually, setUp, startServer } from './helpers.mjs';

const dataDir = mkdtempSync(join(tmpdir(), 'od-collab-outage-'));
const database = freshPostgresDatabase();
let port;
let redis;
let serverA;
let serverB;
let people;
const providers = [];

function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port: p } = s.address();
      s.close(() => resolve(p));
    });
  });
}

async function startRedis() {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '',
                                       '--appendonly', 'no'], { stdio: 'ignore' });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  await eventually(async () => new Promise((resolve) => {
    const probe = spawn('redis-cli', ['-p', String(port), 'ping'], { stdio: 'ignore' });
    probe.on('exit', (code) => resolve(code === 0));
  }), 'redis-server to answer');
  return { child, exited };
}

before(async () => {
  port = await freePort();
  redis = await startRedis();
  const args = ['--redis', `redis://127.0.0.1:${port}`];
  serverA = await startServer({ dataDir, database, args });
  serverB = await startServer({ dataDir, database, args });
  people = await setUp(serverA);
});

after(async () => {
  for (const p of providers.splice(0)) {
    p.destroy();
    p.doc.destroy();
  }
  await Promise.all([serverA.stop(), serverB.stop()]);
  redis.child.kill();
  await redis.exited;
  rmSync(dataDir, { recursive: true, force: true });
});

test('edits made while Redis is down reach the other instance when it is back', async () => {
  const room = `project/${people.projectId}/design`;
  const onA = await connect(serverA, people.owner, room);
  const onB = await connect(serverB, people.editor, room);
  providers.push(onA, onB);
  onA.doc.getText('t').insert(0, 'before;');
  await eventually(() => onB.doc.getText('t').toString() === 'before;', 'the first edit on B');

  redis.child.kill('SIGKILL');
  await redis.exited;
  onA.doc.getText('t').insert(0, 'during;');  // stored by A, not published
  await eventually(() => onA.doc.getText('t').toString() === 'during;before;', 'A to relay it');
  redis = await startRedis();
  await eventually(() => onB.doc.getText('t').toString() === 'during;before;',
                   'the edit made during the outage on B', 30000);
  onB.doc.getText('t').insert(0, 'after;');
  await eventually(() => onA.doc.getText('t').toString() === 'after;during;before;',
                   'edits to flow again');
  assert.equal(onB.doc.getText('t').toString(), 'after;during;before;');
});
