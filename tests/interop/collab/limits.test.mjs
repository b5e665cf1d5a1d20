// Collaboration limits as configuration, on a server started with tight ones: message size,
// rooms (connections) per user, messages per second per connection; and the room metrics.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Y, closeCode, connect, eventually, rawSocket, setUp, startServer } from './helpers.mjs';

let server;
let people;
const providers = [];

before(async () => {
  server = await startServer({ args: [
    '--collab-max-message-bytes', '2048', '--collab-max-rooms-per-user', '2',
    '--collab-messages-per-second', '5', '--collab-room-idle-seconds', '0',
  ] });
  people = await setUp(server);
});

after(async () => {
  for (const p of providers.splice(0)) {
    p.destroy();
    p.doc.destroy();
  }
  await server.stop();
  server.cleanup();
});

const roomPath = (name, user) =>
  `/collab/project/${people.projectId}/code/${name}?token=${user.access}`;

test('a message over --collab-max-message-bytes closes with 1009 and stores nothing', async () => {
  const { ws } = await rawSocket(server, roomPath('big.txt', people.editor));
  const closed = closeCode(ws);
  // A sync update frame of 3000 bytes (the payload need not be valid: size is checked first).
  ws.send(Buffer.concat([Buffer.from([0, 2, 0xb4, 0x17]), Buffer.alloc(2996)]));
  assert.equal(await closed, 1009);
  const reader = await connect(server, people.owner, `project/${people.projectId}/code/big.txt`);
  providers.push(reader);
  assert.equal(reader.doc.getText('t').toString(), '');
});

test('a user holds at most --collab-max-rooms-per-user connections', async () => {
  // `first`: 'joined' once the server sends its SyncStep1 (it does on join), or the close code.
  const first = await rawSocket(server, roomPath('one.txt', people.editor2));
  assert.equal(await first.first, 'joined');
  const second = await rawSocket(server, roomPath('two.txt', people.editor2));
  assert.equal(await second.first, 'joined');
  const third = await rawSocket(server, roomPath('three.txt', people.editor2));
  assert.equal(await third.first, 1008);
  // Others are not affected, and a closed connection frees its slot.
  const other = await rawSocket(server, roomPath('three.txt', people.owner));
  assert.equal(await other.first, 'joined');
  first.ws.close();
  await closeCode(first.ws);
  await eventually(async () => {
    const retry = await rawSocket(server, roomPath('three.txt', people.editor2));
    const result = await retry.first;
    retry.ws.close();
    return result === 'joined';
  }, 'the freed slot to be usable');
  second.ws.close();
  other.ws.close();
});

test('more messages per second than allowed closes with 1008', async () => {
  const { ws } = await rawSocket(server, roomPath('rate.txt', people.editor));
  const closed = closeCode(ws);
  for (let i = 0; i < 30; i++) ws.send(Buffer.from([3]));  // query-awareness, harmless
  assert.equal(await closed, 1008);
});

test('/metrics reports open rooms, connections, bytes held and updates', async () => {
  const room = `project/${people.projectId}/design`;
  const p = await connect(server, people.owner, room, new Y.Doc());
  providers.push(p);
  p.doc.getText('t').insert(0, 'counted');
  const gauge = (text, name) => Number(text.match(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`,
                                                              'm'))?.[1]);
  await eventually(async () => {
    const text = (await server.api('GET', '/metrics')).body;
    return gauge(text, 'collab_rooms_open') >= 1 && gauge(text, 'collab_connections') >= 1 &&
        gauge(text, 'collab_bytes_held') > 0 && gauge(text, 'collab_updates_total') >= 1;
  }, 'the collab metrics');
});
