// POST /api/v1/design2code with Figma JSON, told apart from canvas documents by content: a
// `GET /v1/files/:key` response, a `GET /v1/files/:key/nodes` response and a bare node all compile,
// keeping Figma's ids; hostile documents (component loops, absurd sizes, a 100 MB string, nesting
// 10,000 deep, wrong types) get a clear 4xx with the path of the problem, and the server stays up.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer, newUser } from './harness.mjs';

let server, user;
before(async () => {
  server = await startServer();
  user = await newUser(server, 'figma');
});
after(async () => { await server.stop(); server.cleanup(); });

const figmaFile = JSON.parse(readFileSync(
  new URL('../design2code/figma/figma-extract-token-default.json', import.meta.url), 'utf8'));

const compile = (document, extra = {}) =>
  server.api('POST', '/api/v1/design2code', { token: user.access, json: { document, ...extra } });

const box = (x, y, width, height) => ({ x, y, width, height });
const frame = (id, children = [], extra = {}) =>
  ({ id, type: 'FRAME', name: `Frame ${id}`, absoluteBoundingBox: box(0, 0, 100, 100), children, ...extra });

test('compiles a Figma file response, one page per top-level frame, keeping Figma ids', async () => {
  const res = await compile(figmaFile, { frame: '198:12' });  // the "Button" frame
  assert.equal(res.status, 200, res.body);
  assert.deepEqual(Object.keys(res.json.files).sort(), ['index.html', 'styles.css']);
  assert.match(res.json.files['index.html'], /data-node-id="198:12"/);
  const all = await compile(figmaFile);
  assert.equal(all.status, 200, all.body);
  assert.ok(Object.keys(all.json.files).length > 10);
});

test('compiles a nodes response and a bare node', async () => {
  const text = { id: '2:1', type: 'TEXT', name: 'Hello', absoluteBoundingBox: box(10, 10, 80, 20),
                 characters: 'Hello', style: { fontFamily: 'Inter', fontSize: 14 } };
  const nodes = { name: 'F', nodes: { '1:1': { document: frame('1:1', [text]), components: {} } } };
  const fromNodes = await compile(nodes);
  assert.equal(fromNodes.status, 200, fromNodes.body);
  assert.match(fromNodes.json.files['index.html'], /data-node-id="2:1"[^>]*>Hello</);
  const bare = await compile(frame('1:1', [text]));
  assert.equal(bare.status, 200, bare.body);
  assert.deepEqual(bare.json.files, fromNodes.json.files);
});

test('wrong types in Figma JSON are reported at their Figma path', async () => {
  const res = await compile(frame('1:1', [
    { id: '1:2', type: 'RECTANGLE', absoluteBoundingBox: box(0, 0, 'wide', 10) },
    { id: '1:3', type: 'RECTANGLE', absoluteBoundingBox: box(0, 0, 10, 10),
      fills: [{ type: 'SOLID', color: { r: 2, g: 0, b: 0 } }] },
  ]));
  assert.equal(res.status, 422, res.body);
  assert.deepEqual(res.json.error.details.errors.map((e) => e.path),
                   ['/children/0/absoluteBoundingBox/width', '/children/1/fills/0/color/r']);
  for (const document of [42, 'text', [1, 2], { hello: 'world' }]) {
    const bad = await compile(document);
    assert.ok([400, 422].includes(bad.status), `${JSON.stringify(document)}: ${bad.status}`);
    assert.ok(bad.json.error.message, bad.body);
  }
});

test('component instance loops and absurd sizes are rejected with their path', async () => {
  const loop = { id: '1:10', type: 'COMPONENT', absoluteBoundingBox: box(0, 0, 10, 10), children: [
    { id: '1:11', type: 'INSTANCE', componentId: '1:10', absoluteBoundingBox: box(0, 0, 10, 10) }] };
  const cycle = await compile(loop);
  assert.equal(cycle.status, 422, cycle.body);
  assert.equal(cycle.json.error.details.errors[0].path, '');
  assert.match(cycle.json.error.details.errors[0].message, /contains an instance of itself/);
  const huge = await compile(frame('1:1', [], { absoluteBoundingBox: box(0, 0, 1e15, 10) }));
  assert.equal(huge.status, 422, huge.body);
  assert.equal(huge.json.error.details.errors[0].path, '/absoluteBoundingBox/width');
});

test('a 100 MB string is refused by size before it is parsed, and nesting 10,000 deep by depth', async () => {
  const big = await server.api('POST', '/api/v1/design2code', {
    token: user.access,
    body: '{"document": {"version": 1, "name": "' + 'x'.repeat(100 << 20) + '", "children": []}}',
    headers: { 'content-type': 'application/json' },
  });
  assert.equal(big.status, 413);
  const nested = await server.api('POST', '/api/v1/design2code', {
    token: user.access,
    // JSON.stringify itself recurses; build the text by hand.
    body: '{"document": ' + '{"id": "n", "type": "FRAME", "children": ['.repeat(10000) +
          ']}'.repeat(10000) + '}',
    headers: { 'content-type': 'application/json' },
  });
  assert.equal(nested.status, 400, nested.body);
  assert.match(nested.json.error.message, /nest|deep/i);
  const alive = await compile(frame('1:1'));
  assert.equal(alive.status, 200);
});
