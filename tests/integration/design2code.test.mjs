// POST /api/v1/design2code through the real binary: a signed-in caller gets the generated files;
// react and vue targets get a Vite project; anonymous callers, bad documents, unknown targets
// and oversized bodies get clear 4xx errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer, newUser } from './harness.mjs';

let server, user;
before(async () => {
  server = await startServer();
  user = await newUser(server, 'd2c');
});
after(async () => { await server.stop(); server.cleanup(); });

const corpus = new URL('../design2code/corpus/', import.meta.url);
const multiPage = JSON.parse(readFileSync(new URL('16-multi-page.json', corpus), 'utf8'));

test('compiles a document into pages and a style sheet', async () => {
  const res = await server.api('POST', '/api/v1/design2code',
                               { token: user.access, json: { document: multiPage, target: 'html' } });
  assert.equal(res.status, 200, res.body);
  assert.deepEqual(Object.keys(res.json.files).sort(),
                   ['index.html', 'landing.html', 'pricing.html', 'styles.css']);
  assert.match(res.json.files['landing.html'], /<h1 class="landing-heading" data-node-id="\d+">Welcome<\/h1>/);
  // Same input, same bytes.
  const again = await server.api('POST', '/api/v1/design2code',
                                 { token: user.access, json: { document: multiPage } });
  assert.deepEqual(again.json.files, res.json.files);
});

test('--frame equivalent: one page as index.html', async () => {
  const res = await server.api('POST', '/api/v1/design2code',
                               { token: user.access, json: { document: multiPage, frame: 'Pricing' } });
  assert.equal(res.status, 200, res.body);
  assert.deepEqual(Object.keys(res.json.files).sort(), ['index.html', 'styles.css']);
  assert.match(res.json.files['index.html'], />Pricing<\/h1>/);
  const missing = await server.api('POST', '/api/v1/design2code',
                                   { token: user.access, json: { document: multiPage, frame: 'Nope' } });
  assert.equal(missing.status, 422);
});

test('react and vue targets return a Vite project with shared components', async () => {
  const expected = {
    react: ['index.html', 'package.json', 'src/components/Badge.tsx', 'src/global.css',
            'src/main.tsx', 'src/pages/LandingPage.tsx', 'src/pages/PricingPage.tsx',
            'src/styles.module.css', 'tsconfig.json', 'vite.config.ts'],
    vue: ['index.html', 'package.json', 'src/App.vue', 'src/components/Badge.vue',
          'src/global.css', 'src/main.ts', 'src/pages/LandingPage.vue', 'src/pages/PricingPage.vue',
          'src/styles.module.css', 'tsconfig.json', 'vite.config.ts'],
  };
  for (const target of ['react', 'vue']) {
    const res = await server.api('POST', '/api/v1/design2code',
                                 { token: user.access, json: { document: multiPage, target } });
    assert.equal(res.status, 200, res.body);
    assert.equal(res.json.target, target);
    assert.deepEqual(Object.keys(res.json.files).sort(), expected[target]);
    const landing = res.json.files[`src/pages/LandingPage.${target === 'react' ? 'tsx' : 'vue'}`];
    assert.match(landing, /<Badge /);
  }
});

test('requires a signed-in caller', async () => {
  const res = await server.api('POST', '/api/v1/design2code', { json: { document: multiPage } });
  assert.equal(res.status, 401);
});

test('invalid documents list their problems by JSON pointer', async () => {
  const bad = structuredClone(multiPage);
  bad.children[1].children[0].width = 'wide';
  bad.children[2].children[1].fills = [{ type: 'solid', color: 'red' }];
  const res = await server.api('POST', '/api/v1/design2code',
                               { token: user.access, json: { document: bad } });
  assert.equal(res.status, 422, res.body);
  assert.equal(res.json.error.code, 'invalid_document');
  const paths = res.json.error.details.errors.map((e) => e.path);
  assert.deepEqual(paths, ['/children/1/children/0/width', '/children/2/children/1/fills/0/color']);
});

test('rejects other targets, unknown fields, missing documents and oversized bodies', async () => {
  const cases = [
    [{ document: multiPage, target: 'svelte' }, 400],
    [{ document: multiPage, extra: 1 }, 400],
    [{ target: 'html' }, 400],
    [{ document: 'not an object' }, 400],
  ];
  for (const [json, status] of cases) {
    const res = await server.api('POST', '/api/v1/design2code', { token: user.access, json });
    assert.equal(res.status, status, JSON.stringify(json).slice(0, 80) + ' ' + res.body);
  }
  const huge = structuredClone(multiPage);
  huge.children[1].children[0].text.characters = 'x'.repeat(3 << 20);
  const res = await server.api('POST', '/api/v1/design2code',
                               { token: user.access, json: { document: huge } });
  assert.equal(res.status, 413);
});
