// The collaboration endpoint over TLS. With --tls-cert/--tls-key the server speaks only HTTPS, and
// an upgraded WebSocket stays on Beast's TLS stream (http/websocket_stream.h) instead of moving to
// the lean plain-TCP connection the other collab suites use. Real y-websocket clients, trusting
// only the self-signed certificate made here, connect to wss://.../collab, sync, and see each
// other's edits. Runs on the database OD_TEST_DATABASE names, like the other collab suites.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebsocketProvider } from 'y-websocket';
import { requestParts, responseParts } from '../../integration/harness.mjs';
import { Y, WebSocket, eventually, setUp, startServer } from './helpers.mjs';

const work = mkdtempSync(join(tmpdir(), 'od-collab-tls-'));
const certFile = join(work, 'cert.pem'), keyFile = join(work, 'key.pem');
let server, people, ca;
const providers = [];

// Requests over HTTPS with the same shape as the harness's server.api, trusting only `ca`.
function httpsApi(port) {
  return (method, path, opts = {}) => new Promise((resolve, reject) => {
    const { headers, body } = requestParts(opts);
    const req = https.request({ host: '127.0.0.1', port, method, path, headers, ca }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => resolve(responseParts(res.statusCode, res.headers,
                                                Buffer.concat(chunks).toString())));
    });
    req.on('error', reject);
    req.end(body);
  });
}

// `ws` with the test's certificate as its trust anchor (y-websocket constructs it with the URL).
class TrustingWebSocket extends WebSocket {
  constructor(url, protocols) {
    super(url, protocols, { ca });
  }
}

async function connectTls(user, room) {
  const provider = new WebsocketProvider(`wss://127.0.0.1:${server.port}/collab`, room,
                                         new Y.Doc(), {
    WebSocketPolyfill: TrustingWebSocket,
    params: { token: user.access },
    disableBc: true,  // peers in one process must sync through the server
  });
  providers.push(provider);
  await eventually(() => provider.synced, `${room} to sync over TLS`);
  return provider;
}

before(async () => {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256',
                           '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1',
                           '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
               { stdio: 'ignore' });
  ca = readFileSync(certFile);
  server = await startServer({ args: ['--tls-cert', certFile, '--tls-key', keyFile] });
  server.api = httpsApi(server.port);
  people = await setUp(server);
});

after(async () => {
  for (const p of providers.splice(0)) {
    p.destroy();
    p.doc.destroy();
  }
  await server?.stop();
  server?.cleanup();
  rmSync(work, { recursive: true, force: true });
});

test('the server answers only TLS: a plain WebSocket upgrade gets no answer', async () => {
  const plain = new WebSocket(`ws://127.0.0.1:${server.port}/collab/project/${people.projectId}/design`);
  const outcome = await new Promise((resolve) => {
    plain.on('open', () => resolve('open'));
    plain.on('error', () => resolve('error'));
  });
  plain.terminate();
  assert.equal(outcome, 'error');
});

test('y-websocket clients sync and exchange updates over wss://', async () => {
  const room = `project/${people.projectId}/design`;
  const owner = await connectTls(people.owner, room);
  const editor = await connectTls(people.editor, room);
  owner.doc.getText('t').insert(0, 'over tls');
  editor.doc.getMap('m').set('from', 'editor');
  await eventually(() => editor.doc.getText('t').toString() === 'over tls' &&
                         owner.doc.getMap('m').get('from') === 'editor',
                   'both edits to cross the TLS sockets');
  assert.equal(owner.ws.url.startsWith('wss://'), true, owner.ws.url);

  // A late joiner gets the whole state from the server's SyncStep2 alone.
  const late = await connectTls(people.editor2, room);
  await eventually(() => late.doc.getText('t').toString() === 'over tls',
                   'the late joiner to receive the state');
  assert.equal(late.doc.getMap('m').get('from'), 'editor');
});
