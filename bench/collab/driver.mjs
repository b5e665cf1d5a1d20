// One load-driver process of bench/collab/load.mjs: it holds whole rooms (every client of a room
// lives here, so send and receive times come from one clock), speaks the y-websocket protocol
// (or Hocuspocus's, which prefixes each message with the document name and starts with an auth
// message) over plain `ws` sockets, and makes real Yjs updates with the `yjs` package: in each
// room, client 0 appends a unique marker to a Y.Text and the others time its arrival.
//
// Several processes share the work because a process may hold at most 20,000 open files here.
import WebSocket from 'ws';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';

const kSync = 0;
const kSyncStep1 = 0;
const kSyncStep2 = 1;
const kSyncUpdate = 2;
const kHocuspocusAuth = 2;

const now = () => performance.timeOrigin + performance.now();
const emptyUpdate = Y.encodeStateAsUpdate(new Y.Doc());
const sent = new Map();  // marker -> {at, awaiting}
const latencies = [];
let lost = 0;

function frame(client, write) {
  const encoder = encoding.createEncoder();
  if (client.hocuspocus) encoding.writeVarString(encoder, client.docName);
  write(encoder);
  return encoding.toUint8Array(encoder);
}

const syncMessage = (client, type, payload) => frame(client, (e) => {
  encoding.writeVarUint(e, kSync);
  encoding.writeVarUint(e, type);
  encoding.writeVarUint8Array(e, payload);
});

class Client {
  constructor(room, index, protocol) {
    this.room = room;
    this.index = index;
    this.sender = index === 0;
    this.hocuspocus = protocol === 'hocuspocus';
    this.docName = room.name;
    this.doc = this.sender ? new Y.Doc() : null;
  }

  connect() {
    return new Promise((resolve, reject) => {
      // With several server instances, client k of a room uses instance k % instances.
      const url = this.room.urls ? this.room.urls[this.index % this.room.urls.length] : this.room.url;
      const ws = new WebSocket(url, { perMessageDeflate: false });
      this.ws = ws;
      ws.binaryType = 'nodebuffer';
      let synced = false;
      const timer = setTimeout(() => reject(new Error('sync timed out')), 60000);
      ws.on('open', () => {
        if (this.hocuspocus) {
          ws.send(frame(this, (e) => {
            encoding.writeVarUint(e, kHocuspocusAuth);
            encoding.writeVarUint(e, 0);  // token message
            encoding.writeVarString(e, '');
          }));
        }
        ws.send(syncMessage(this, kSyncStep1, Y.encodeStateVector(this.doc ?? new Y.Doc())));
      });
      ws.on('message', (data) => {
        const decoder = decoding.createDecoder(data);
        if (this.hocuspocus) decoding.readVarString(decoder);
        if (decoding.readVarUint(decoder) !== kSync) return;
        const type = decoding.readVarUint(decoder);
        if (type === kSyncStep1) {
          // Answer the server's state vector with what this client has (nothing, for receivers).
          const update = this.doc ? Y.encodeStateAsUpdate(this.doc) : emptyUpdate;
          ws.send(syncMessage(this, kSyncStep2, update));
        } else if (type === kSyncStep2 && !synced) {
          synced = true;
          clearTimeout(timer);
          resolve();
        } else if (type === kSyncUpdate && !this.sender) {
          this.received(data);
        }
      });
      ws.on('error', (error) => { clearTimeout(timer); reject(error); });
      ws.on('close', (code) => {
        this.closed = true;
        if (!synced) {  // refused (a limit, a bad token): fail now, not at the sync timeout
          clearTimeout(timer);
          reject(new Error(`closed with ${code} before syncing`));
        }
      });
    });
  }

  // Finds the marker in the relayed bytes: Yjs writes inserted strings verbatim.
  received(data) {
    const text = data.toString('latin1');
    for (const match of text.matchAll(/~([0-9a-z]{12})~/g)) {
      const entry = sent.get(match[1]);
      if (!entry) continue;
      latencies.push(now() - entry.at);
      if (--entry.awaiting === 0) sent.delete(match[1]);
    }
  }

  // Sends the marker's insertion, or with `whole` the whole document with the marker in it.
  sendMarker(marker, whole = false) {
    const text = this.doc.getText('t');
    let update = null;
    const capture = (u) => { update = u; };
    this.doc.on('update', capture);
    text.insert(text.length, `~${marker}~`);
    this.doc.off('update', capture);
    if (whole) update = Y.encodeStateAsUpdate(this.doc);
    this.ws.send(syncMessage(this, kSyncUpdate, update));
  }
}

let clients = [];
let rooms = [];
let seq = 0;

async function connectAll({ rooms: list, clientsPerRoom, protocol, concurrency }) {
  rooms = list.map((room) => ({ ...room, clients: [] }));
  const queue = [];
  for (const room of rooms) {
    for (let k = 0; k < clientsPerRoom; k++) {
      const client = new Client(room, k, protocol);
      room.clients.push(client);
      queue.push(client);
    }
  }
  clients = queue.slice();
  let failures = 0;
  let firstError = '';
  const worker = async () => {
    for (let client = queue.shift(); client; client = queue.shift()) {
      try {
        await client.connect();
      } catch (error) {
        failures++;
        firstError ||= String(error.message || error);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { connected: clients.length - failures, failures, firstError };
}

// A design document of `nodes` canvas nodes (a Y.Map of Y.Maps, as canvas bindings keep them)
// and a code file typed and edited in `nodes` bursts (a Y.Text whose edit history leaves many
// items), so an idle room holds what a small real project holds, not one marker.
function writeDocument(doc, nodes, salt) {
  let state = salt * 2654435761 % 4294967296 || 1;
  const random = (n) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state % n;
  };
  const words = ['div', 'flex', 'gap', 'padding', 'color', 'return', 'const', 'props', 'title'];
  doc.transact(() => {
    const canvas = doc.getMap('nodes');
    for (let i = 0; i < nodes; i++) {
      const node = new Y.Map();
      canvas.set(`node-${salt}-${i}`, node);
      node.set('type', ['frame', 'text', 'rectangle', 'image'][random(4)]);
      node.set('name', `${words[random(words.length)]} ${i}`);
      for (const key of ['x', 'y', 'width', 'height']) node.set(key, random(1280));
      node.set('fill', `#${random(0xffffff).toString(16).padStart(6, '0')}`);
      node.set('parent', i ? `node-${salt}-${random(i)}` : null);
    }
  });
  const code = doc.getText('code');
  for (let i = 0; i < nodes; i++) {
    const at = random(code.length + 1);
    if (code.length > 40 && random(4) === 0) code.delete(at - (at > 8 ? 8 : 0), 8);
    else code.insert(at, `${words[random(words.length)]} ${words[random(words.length)]};\n`);
  }
}

// One update per room so every room holds a document, awaited until delivered everywhere.
async function seedAll({ docNodes = 0 }) {
  for (const [k, room] of rooms.entries()) {
    const sender = room.clients[0];
    if (docNodes && sender?.doc) writeDocument(sender.doc, docNodes, k + 1);
    sendFrom(room, docNodes > 0);
  }
  const deadline = Date.now() + 60000;
  while (sent.size && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const unseeded = sent.size;
  sent.clear();
  latencies.length = 0;
  return { unseeded };
}

function sendFrom(room, whole = false) {
  const sender = room.clients[0];
  if (!sender || sender.closed || !sender.ws || sender.ws.readyState !== WebSocket.OPEN) return;
  const marker = (seq++).toString(36).padStart(12, '0');
  sent.set(marker, { at: now(), awaiting: room.clients.length - 1 });
  sender.sendMarker(marker, whole);
}

// Sends `rate` updates per second spread over the rooms, round robin, for `seconds`.
async function runLoad({ rate, seconds }) {
  latencies.length = 0;
  const tickMs = 10;
  const perTick = (rate * tickMs) / 1000;
  let owed = 0;
  let next = 0;
  let updates = 0;
  const end = now() + seconds * 1000;
  await new Promise((resolve) => {
    const timer = setInterval(() => {
      owed += perTick;
      while (owed >= 1) {
        sendFrom(rooms[next]);
        next = (next + 1) % rooms.length;
        owed--;
        updates++;
      }
      if (now() >= end) {
        clearInterval(timer);
        resolve();
      }
    }, tickMs);
  });
  // Let in-flight deliveries land (bounded), then count what never arrived.
  const drainUntil = Date.now() + 5000;
  while (sent.size && Date.now() < drainUntil) await new Promise((r) => setTimeout(r, 20));
  for (const entry of sent.values()) lost += entry.awaiting;
  sent.clear();
  return { updates, latencies: Float64Array.from(latencies), lost };
}

process.on('message', async (message) => {
  try {
    if (message.cmd === 'connect') process.send({ cmd: 'connected', ...(await connectAll(message)) });
    else if (message.cmd === 'seed') process.send({ cmd: 'seeded', ...(await seedAll(message)) });
    else if (message.cmd === 'load') process.send({ cmd: 'loaded', ...(await runLoad(message)) });
    else if (message.cmd === 'close') {
      for (const client of clients) client.ws?.terminate();
      process.exit(0);
    }
  } catch (error) {
    process.send({ cmd: 'error', error: String(error.stack || error) });
  }
});
