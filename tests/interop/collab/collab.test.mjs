// The collaboration server against the real clients: yjs + y-websocket's WebsocketProvider (with
// `ws` as node's WebSocket) edit project documents through the opendesign binary. Runs on the
// database OD_TEST_DATABASE names, like the integration suites.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { databaseKind, freshPostgresDatabase } from '../../integration/harness.mjs';
import { Y, connect, content, closeCode, eventually, rawSocket, setUp, startServer } from
    './helpers.mjs';

const dataDir = mkdtempSync(join(tmpdir(), 'od-collab-'));
const database = databaseKind === 'postgres' ? freshPostgresDatabase() : '';
let server;
let people;
const providers = [];

async function open(user, room, doc) {
  const provider = await connect(server, user, room, doc);
  providers.push(provider);
  return provider;
}

before(async () => {
  server = await startServer({ dataDir, database });
  people = await setUp(server);
});
// A provider leaves its awareness (and its timer) to the doc: destroy both.
function closeAll() {
  for (const p of providers.splice(0)) {
    p.destroy();
    p.doc.destroy();
  }
}

after(async () => {
  closeAll();
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const designRoom = () => `project/${people.projectId}/design`;

test('concurrent editors converge on text, map and array; a late joiner gets it all', async () => {
  const room = designRoom();
  const peers = await Promise.all([people.owner, people.editor, people.editor2].map(
      (user) => open(user, room)));
  // Every peer edits at once, without waiting for the others.
  peers.forEach((p, i) => {
    const doc = p.doc;
    for (let n = 0; n < 20; n++) {
      doc.transact(() => {
        doc.getText('t').insert(0, `${i}:${n};`);
        doc.getMap('m').set(`k${i}-${n}`, n);
        doc.getArray('a').push([`${i}-${n}`]);
      });
    }
    doc.getMap('m').set('shared', i);  // a conflict: every peer must pick the same winner
  });
  const expectedLength = 3 * 20;
  await eventually(() => peers.every((p) => p.doc.getArray('a').length === expectedLength),
                   'every edit to reach every peer');
  // Map key order follows arrival order, so compare as values, not as JSON text.
  await eventually(() => peers.every((p) => isDeepStrictEqual(content(p.doc),
                                                              content(peers[0].doc))),
                   'peers to converge');
  const result = content(peers[0].doc);
  assert.equal(result.array.length, expectedLength);
  assert.equal(Object.keys(result.map).length, expectedLength + 1);
  for (let i = 0; i < 3; i++) assert.ok(result.text.includes(`${i}:19;`));

  const late = await open(people.editor, room);
  assert.deepEqual(content(late.doc), result);
});

test('awareness appears for others and disappears when its client disconnects', async () => {
  const room = `project/${people.projectId}/code/src/app.js`;
  const watcher = await open(people.owner, room);
  const leaving = await open(people.editor, room);
  leaving.awareness.setLocalStateField('user', { name: 'editor' });
  const id = leaving.doc.clientID;
  await eventually(() => watcher.awareness.getStates().get(id)?.user?.name === 'editor',
                   'the editor to appear');
  // A new joiner is sent the states of everyone present.
  const newcomer = await open(people.editor2, room);
  await eventually(() => newcomer.awareness.getStates().get(id)?.user?.name === 'editor',
                   'the newcomer to see the editor');
  leaving.ws.terminate();  // no goodbye: the server must clear the state itself
  leaving.shouldConnect = false;
  await eventually(() => !watcher.awareness.getStates().has(id), 'the editor to disappear');
  await eventually(() => !newcomer.awareness.getStates().has(id), 'the editor to disappear');
});

test('a viewer reads but cannot change the document', async () => {
  const room = `project/${people.projectId}/code/viewer.css`;
  const editor = await open(people.editor, room);
  editor.doc.getText('t').insert(0, 'by editor');
  const viewer = await open(people.viewer, room);
  await eventually(() => viewer.doc.getText('t').toString() === 'by editor', 'the viewer to read');
  viewer.doc.getText('t').insert(0, 'by viewer ');
  // The room handles a connection's messages in order: once the viewer's later awareness
  // reaches the editor, its update has been handled (and must have been dropped).
  viewer.awareness.setLocalStateField('marker', 1);
  await eventually(() => editor.awareness.getStates().get(viewer.doc.clientID)?.marker === 1,
                   'the viewer awareness');
  assert.equal(editor.doc.getText('t').toString(), 'by editor');
  const late = await open(people.owner, room);
  assert.equal(late.doc.getText('t').toString(), 'by editor');
});

test('strangers, bad tokens and unknown rooms are refused before the upgrade', async () => {
  const id = people.projectId;
  assert.equal((await rawSocket(server, `/collab/project/${id}/design?token=${
      people.stranger.access}`)).status, 404);
  assert.equal((await rawSocket(server, `/collab/project/${id}/design?token=nope`)).status, 401);
  for (const room of [`project/${id}/other`, `project/${id}/code/../x`, `project/${id}/code`,
                      'elsewhere/x']) {
    assert.equal((await rawSocket(server, `/collab/${room}?token=${people.owner.access}`)).status,
                 404, room);
  }
  const plain = await server.api('GET', `/collab/project/${id}/design`,
                                 { token: people.owner.access });
  assert.equal(plain.status, 426);
});

test('malformed input closes that socket and leaves the document unchanged', async () => {
  const room = `project/${people.projectId}/code/guarded.ts`;
  const editor = await open(people.editor, room);
  editor.doc.getText('t').insert(0, 'intact');
  await eventually(async () => {
    const check = await open(people.owner, room);
    return check.doc.getText('t').toString() === 'intact';
  }, 'the edit to be stored');
  const path = `/collab/${room}?token=${people.editor.access}`;
  const cases = [
    [Buffer.from([0, 2, 5, 1, 200, 7, 7, 7]), 1007],  // sync update with a broken struct
    [Buffer.from([0, 9, 0]), 1007],                    // unknown sync type
    [Buffer.from([1, 3, 1, 2]), 1007],                 // truncated awareness
    ['text is not the protocol', 1003],
  ];
  for (const [frame, code] of cases) {
    const { ws } = await rawSocket(server, path);
    const closed = closeCode(ws);
    ws.send(frame);
    assert.equal(await closed, code, String(frame));
  }
  const late = await open(people.owner, room);
  assert.equal(late.doc.getText('t').toString(), 'intact');
  assert.equal(editor.doc.getText('t').toString(), 'intact');
});

test('the document survives a server restart', async () => {
  const room = `project/${people.projectId}/code/persist.md`;
  const writer = await open(people.owner, room);
  writer.doc.getMap('m').set('saved', 'yes');
  writer.doc.getText('t').insert(0, 'persisted text');
  const reader = await open(people.editor, room);
  await eventually(() => reader.doc.getMap('m').get('saved') === 'yes', 'the edit to relay');
  // Relayed means stored: the server appends before it relays.
  closeAll();
  await server.stop();
  server = await startServer({ dataDir, database });
  const after = await open(people.editor, room, new Y.Doc());
  assert.equal(after.doc.getMap('m').get('saved'), 'yes');
  assert.equal(after.doc.getText('t').toString(), 'persisted text');
});
