// Collaboration beyond one connection's happy path, against the real yjs + y-websocket clients:
// two server instances on one PostgreSQL database and one Redis serving the same rooms, clients
// going offline and coming back, the token sent as the first message, who is online, and
// snapshots restored into live rooms. Needs OD_TEST_POSTGRES_URL and OD_TEST_REDIS_URL (as
// scripts/test.sh sets them); runs on PostgreSQL whatever OD_TEST_DATABASE says, since two
// instances share one database.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { WebsocketProvider } from 'y-websocket';
import { freshPostgresDatabase } from '../../integration/harness.mjs';
import { Y, WebSocket, closeCode, connect, content, eventually, rawSocket, setUp, startServer }
    from './helpers.mjs';

const redis = process.env.OD_TEST_REDIS_URL;
if (!redis) throw new Error('OD_TEST_REDIS_URL is not set: run through scripts/test.sh');

const dataDir = mkdtempSync(join(tmpdir(), 'od-collab-scale-'));  // shared: one signing secret
const database = freshPostgresDatabase();
let serverA;
let serverB;
let people;
const providers = [];

async function open(server, user, room, doc) {
  const provider = await connect(server, user, room, doc);
  providers.push(provider);
  return provider;
}

before(async () => {
  const args = ['--redis', redis, '--collab-auth-timeout-seconds', '1'];
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
  rmSync(dataDir, { recursive: true, force: true });
});

const converged = (peers) => peers.every((p) => isDeepStrictEqual(content(p.doc),
                                                                  content(peers[0].doc)));

function editAll(peers, rounds, tag) {
  peers.forEach((p, i) => {
    for (let n = 0; n < rounds; n++) {
      p.doc.transact(() => {
        p.doc.getText('t').insert(0, `${tag}${i}:${n};`);
        p.doc.getMap('m').set(`${tag}${i}-${n}`, n);
        p.doc.getArray('a').push([`${tag}${i}-${n}`]);
      });
    }
  });
}

test('clients on two instances converge on text, map and array', async () => {
  const room = `project/${people.projectId}/design`;
  const peers = [
    await open(serverA, people.owner, room), await open(serverB, people.editor, room),
    await open(serverA, people.editor2, room), await open(serverB, people.owner, room),
  ];
  editAll(peers, 15, 'x');
  peers[1].doc.getMap('m').set('shared', 'b');
  peers[2].doc.getMap('m').set('shared', 'a');
  await eventually(() => peers.every((p) => p.doc.getArray('a').length === 4 * 15),
                   'every edit to reach both instances');
  await eventually(() => converged(peers), 'peers to converge');
  // One edit on A alone reaches B's clients through Redis (no later write on B that would make
  // B notice a gap in the stored rows and reload them).
  peers[0].doc.getMap('m').set('solo', 'from A');
  await eventually(() => peers[1].doc.getMap('m').get('solo') === 'from A', 'A\'s edit on B', 4000);
  // A joiner on either instance gets everything from the database.
  const late = await open(serverB, people.editor2, room);
  assert.deepEqual(content(late.doc), content(peers[0].doc));
});

test('awareness crosses instances and disappears when its client goes', async () => {
  const room = `project/${people.projectId}/code/aware.ts`;
  const watcher = await open(serverA, people.owner, room);
  const other = await open(serverB, people.editor, room);
  other.awareness.setLocalStateField('user', { name: 'on B' });
  const id = other.doc.clientID;
  await eventually(() => watcher.awareness.getStates().get(id)?.user?.name === 'on B',
                   'B\'s awareness on A');
  const newcomer = await open(serverA, people.editor2, room);
  await eventually(() => newcomer.awareness.getStates().get(id)?.user?.name === 'on B',
                   'a newcomer on A to be sent B\'s state');
  other.shouldConnect = false;
  other.ws.terminate();
  await eventually(() => !watcher.awareness.getStates().has(id), 'B\'s client to disappear');
});

test('clients that go offline, keep editing and come back converge', async () => {
  const room = `project/${people.projectId}/code/offline.md`;
  const peers = [await open(serverA, people.owner, room), await open(serverB, people.editor, room),
                 await open(serverB, people.editor2, room)];
  editAll(peers, 3, 'on');
  await eventually(() => converged(peers) && peers[0].doc.getArray('a').length === 9, 'online');
  peers[0].disconnect();
  peers[1].disconnect();
  editAll(peers, 5, 'off');  // the two offline ones and the online one, concurrently
  peers[0].connect();
  peers[1].connect();
  await eventually(() => peers.every((p) => p.doc.getArray('a').length === 9 + 15),
                   'offline edits to arrive');
  await eventually(() => converged(peers), 'peers to converge after reconnecting');
  const check = await open(serverA, people.owner, room, new Y.Doc());
  assert.deepEqual(content(check.doc), content(peers[0].doc));
});

function authFrame(token) {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 2);  // y-protocols messageAuth
  encoding.writeVarUint(encoder, 1);  // sub-type: token
  encoding.writeVarString(encoder, token);
  return encoding.toUint8Array(encoder);
}

test('an unmodified y-websocket client can send its token as the first message', async () => {
  const room = `project/${people.projectId}/code/first.js`;
  const writer = await open(serverA, people.owner, room);
  writer.doc.getText('t').insert(0, 'hello');
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(`ws://127.0.0.1:${serverB.port}/collab`, room, doc, {
    WebSocketPolyfill: WebSocket, disableBc: true,
  });
  providers.push(provider);
  // 'connected' is emitted before the provider sends its SyncStep1, so this goes first.
  provider.on('status', ({ status }) => {
    if (status === 'connected') provider.ws.send(authFrame(people.editor.access));
  });
  await eventually(() => provider.synced, 'the first-message client to sync');
  assert.equal(doc.getText('t').toString(), 'hello');
  doc.getText('t').insert(5, ' world');
  await eventually(() => writer.doc.getText('t').toString() === 'hello world', 'its edit');
});

test('without a valid first auth message the connection closes with 4401/4404', async () => {
  const path = `/collab/project/${people.projectId}/design`;
  const cases = [
    [Buffer.from([0, 0, 1, 0]), 4401],                  // a SyncStep1 before any token
    [Buffer.from(authFrame('not-a-token')), 4401],
    [Buffer.from(authFrame(people.stranger.access)), 4404],
    [null, 4401],                                       // nothing within the timeout (1 s)
  ];
  for (const [frame, code] of cases) {
    const { ws } = await rawSocket(serverA, path);
    const closed = closeCode(ws);
    const received = [];
    ws.on('message', (m) => received.push(m));
    if (frame) ws.send(frame);
    assert.equal(await closed, code, String(frame));
    assert.equal(received.length, 0, 'nothing is sent before authentication');
  }
});

test('who is online lists connections on both instances and drops them when they go', async () => {
  const room = `project/${people.projectId}/code/online.css`;
  const a = await open(serverA, people.owner, room);
  const b = await open(serverB, people.viewer, room);
  const list = async (server, user) => server.api(
      'GET', `/api/v1/projects/${people.projectId}/collaborators/online`, { token: user.access });
  await eventually(async () => {
    const res = await list(serverB, people.editor);
    const here = res.json.items.filter((s) => s.room === room);
    return here.length === 2 &&
        here.some((s) => s.userId === people.viewer.id && s.canEdit === false) &&
        here.some((s) => s.userId === people.owner.id && s.canEdit === true) &&
        new Set(here.map((s) => s.instanceId)).size === 2;
  }, 'both sessions listed');
  b.destroy();
  await eventually(async () => {
    const res = await list(serverA, people.owner);
    return !res.json.items.some((s) => s.room === room && s.userId === people.viewer.id);
  }, 'the viewer to leave the list');
  assert.equal((await list(serverA, people.stranger)).status, 404);
  const bad = await serverA.api(
      'GET', `/api/v1/projects/${people.projectId}/collaborators/online?limit=0`,
      { token: people.owner.access });
  assert.equal(bad.status, 400);
  assert.ok(a.synced);
});

test('a snapshot restored into live rooms closes them with 4410 and fresh clients see it',
     async () => {
  const room = `project/${people.projectId}/code/snap.txt`;
  const onA = await open(serverA, people.owner, room);
  const onB = await open(serverB, people.editor, room);
  onA.doc.getText('t').insert(0, 'version one');
  await eventually(() => onB.doc.getText('t').toString() === 'version one', 'the edit');
  const saved = await serverA.api('POST', `/api/v1/projects/${people.projectId}/collab/snapshots`,
                                  { token: people.editor.access, json: { label: 'v1' } });
  assert.equal(saved.status, 201, saved.body);
  assert.ok(saved.json.rooms.includes(room));
  onB.doc.getText('t').insert(0, 'later ');
  await eventually(() => onA.doc.getText('t').toString() === 'later version one', 'later edit');

  const viewerTry = await serverB.api(
      'POST', `/api/v1/projects/${people.projectId}/collab/snapshots/${saved.json.number}/restore`,
      { token: people.viewer.access });
  assert.equal(viewerTry.status, 403);
  const closedA = new Promise((resolve) => onA.on('closed', (e) => resolve(e.code)));
  const closedB = new Promise((resolve) => onB.on('closed', (e) => resolve(e.code)));
  const restored = await serverB.api(
      'POST', `/api/v1/projects/${people.projectId}/collab/snapshots/${saved.json.number}/restore`,
      { token: people.owner.access });
  assert.equal(restored.status, 200, restored.body);
  assert.equal(await closedA, 4410);
  assert.equal(await closedB, 4410);
  for (const server of [serverA, serverB]) {
    const fresh = await open(server, people.editor2, room, new Y.Doc());
    assert.equal(fresh.doc.getText('t').toString(), 'version one');
  }
  const missing = await serverA.api(
      'POST', `/api/v1/projects/${people.projectId}/collab/snapshots/9999/restore`,
      { token: people.owner.access });
  assert.equal(missing.status, 404);
  // A version saved through the projects API holds no collaborative documents: nothing to restore.
  const plain = await serverA.api('POST', `/api/v1/projects/${people.projectId}/versions`,
                                  { token: people.owner.access, json: { label: 'plain' } });
  assert.equal(plain.status, 201);
  const none = await serverA.api(
      'POST', `/api/v1/projects/${people.projectId}/collab/snapshots/${plain.json.number}/restore`,
      { token: people.owner.access });
  assert.equal(none.status, 404);
  const still = await open(serverB, people.owner, room, new Y.Doc());
  assert.equal(still.doc.getText('t').toString(), 'version one');
});

test('a comment change reaches the project\'s connections that asked for notices, on every ' +
     'instance', async () => {
  const room = `project/${people.projectId}/design`;
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(`ws://127.0.0.1:${serverA.port}/collab`, room, doc, {
    WebSocketPolyfill: WebSocket, disableBc: true,
    params: { token: people.viewer.access, notices: '1' },
  });
  providers.push(provider);
  const notices = [];
  // Message type 100: varString(json); a provider's handler table is its own copy.
  provider.messageHandlers[100] = (_encoder, decoder) => {
    notices.push(JSON.parse(decoding.readVarString(decoder)));
  };
  await eventually(() => provider.synced, 'the notice client to sync');
  const created = await serverB.api('POST', `/api/v1/projects/${people.projectId}/comments`, {
    token: people.editor.access, json: { body: 'look here', anchor: { nodeId: 'n-1' } },
  });
  assert.equal(created.status, 201, created.body);
  await eventually(() => notices.some((n) => n.type === 'comment.created' &&
                                             n.commentId === created.json.id),
                   'the notice from the other instance');
  await serverA.api('POST', `/api/v1/projects/${people.projectId}/comments/${
      created.json.id}/resolve`, { token: people.editor.access });
  await eventually(() => notices.some((n) => n.type === 'comment.resolved'), 'the resolve notice');
  assert.ok(notices.every((n) => n.projectId === people.projectId));
});
