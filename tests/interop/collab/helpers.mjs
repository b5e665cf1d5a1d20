// Shared by the collab interop suites: a project with an owner, editors, a viewer and a stranger
// on a real server, y-websocket providers connected to its rooms, and polling with a deadline.
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import WebSocket from 'ws';
import { startServer, newUser } from '../../integration/harness.mjs';

export { Y, WebSocket, startServer };

// Polls `condition` until it is truthy; throws with `what` after the deadline.
export async function eventually(condition, what, deadlineMs = 15000) {
  const end = Date.now() + deadlineMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

// Users and a project they share: { owner, editor, editor2, viewer, stranger, projectId }.
export async function setUp(server) {
  const [owner, editor, editor2, viewer, stranger] = await Promise.all(
      ['owner', 'editor', 'editortwo', 'viewer', 'stranger'].map((p) => newUser(server, p)));
  const created = await server.api('POST', '/api/v1/projects',
                                   { token: owner.access, json: { title: 'Collab' } });
  if (created.status !== 201) throw new Error(`create project: ${created.status} ${created.body}`);
  const projectId = created.json.id;
  for (const [user, role] of [[editor, 'editor'], [editor2, 'editor'], [viewer, 'viewer']]) {
    const add = await server.api('POST', `/api/v1/projects/${projectId}/members`,
                                 { token: owner.access, json: { userId: user.id, role } });
    if (add.status !== 201) throw new Error(`add member: ${add.status} ${add.body}`);
  }
  return { owner, editor, editor2, viewer, stranger, projectId };
}

// A provider for `user` on `room`, resolved once it has synced with the server.
export async function connect(server, user, room, doc = new Y.Doc()) {
  const provider = new WebsocketProvider(`ws://127.0.0.1:${server.port}/collab`, room, doc, {
    WebSocketPolyfill: WebSocket,
    params: { token: user.access },
    disableBc: true,  // peers in one process must sync through the server, not a local channel
  });
  await eventually(() => provider.synced, `${room} to sync`);
  return provider;
}

// A raw WebSocket to `path`: resolves { ws, first } once open, or { status } when the upgrade is
// refused. `first` resolves 'joined' on the first message or with the close code, whichever comes
// first; its listeners are attached before the socket opens, because a message (or close) that
// arrives in the same packet as the upgrade answer is emitted in the same tick as 'open'.
export function rawSocket(server, path) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}${path}`);
    ws.binaryType = 'nodebuffer';
    const first = new Promise((settle) => {
      ws.once('message', () => settle('joined'));
      ws.once('close', (code) => settle(code));
    });
    ws.on('open', () => resolve({ ws, first }));
    ws.on('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode });
      res.resume();
      ws.terminate();
    });
    ws.on('error', (e) => reject(e));
  });
}

// Resolves with the close code of `ws`.
export function closeCode(ws) {
  return new Promise((resolve) => ws.on('close', (code) => resolve(code)));
}

export function content(doc) {
  return { text: doc.getText('t').toString(), map: doc.getMap('m').toJSON(),
           array: doc.getArray('a').toJSON() };
}
