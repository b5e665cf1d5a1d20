// Fidelity of the React and Vue targets, built with their real toolchains: every corpus page is
// compiled with the real CLI (--target react|vue --frame <id>), all pages of one framework are
// type-checked together (tsc --noEmit, vue-tsc --noEmit) and built as ONE multi-page Vite project
// (one build per framework keeps the suite fast), then every page is rendered in headless
// Chromium and each node's box and text compared with the design, as for the HTML target. A
// generated project is also built on its own with its package.json's `npm run build`, to prove
// the skeleton works as shipped. Prints the pass rate per target.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync,
         rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

import { compareBoxes, readBoxes } from './boxes.mjs';

const binary = process.env.OD_BINARY;
if (!binary) throw new Error('OD_BINARY is not set: run the suite through scripts/test.sh');

const here = fileURLToPath(new URL('.', import.meta.url));
const corpusDir = join(here, 'corpus');
const nodeModules = join(here, '..', 'node_modules');
const tolerance = 1;
const work = mkdtempSync(join(tmpdir(), 'od-d2c-frameworks-'));

const frameworks = {
  react: { plugin: '@vitejs/plugin-react', checker: join(nodeModules, 'typescript/bin/tsc') },
  vue: { plugin: '@vitejs/plugin-vue', checker: join(nodeModules, 'vue-tsc/bin/vue-tsc.js') },
};
const totals = Object.fromEntries(Object.keys(frameworks).map((f) => [f, { nodes: 0, passed: 0 }]));

const cases = [];
for (const file of readdirSync(corpusDir).filter((f) => f.endsWith('.json')).sort()) {
  const doc = JSON.parse(readFileSync(join(corpusDir, file), 'utf8'));
  // Top-level components too: --frame compiles one as a page of its own.
  for (const page of doc.children.filter((n) => n.type === 'frame' || n.type === 'component')) {
    const name = `${file.replace(/\.json$/, '')}--${page.id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
    cases.push({ file, doc, page, name });
  }
}

// --- a static server for built projects (module scripts do not load from file:) ---------------

const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css',
                '.svg': 'image/svg+xml', '.json': 'application/json' };
let serverPromise;
function server() {
  serverPromise ??= new Promise((resolve) => {
    const srv = createServer((req, res) => {
      const path = normalize(join(work, decodeURIComponent(new URL(req.url, 'http://x').pathname)));
      if (!path.startsWith(work + sep) || !existsSync(path) || !statSync(path).isFile()) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' });
      createReadStream(path).pipe(res);
    });
    srv.listen(0, '127.0.0.1', () => resolve(srv));
  });
  return serverPromise;
}
const urlOf = async (path) =>
  `http://127.0.0.1:${(await server()).address().port}/${path.slice(work.length + 1).split(sep).join('/')}`;

let contextPromise;
function browser() {
  contextPromise ??= chromium.launchPersistentContext(join(work, 'profile'), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return contextPromise;
}

after(async () => {
  if (contextPromise) await (await contextPromise).close();
  if (serverPromise) (await serverPromise).close();
  rmSync(work, { recursive: true, force: true });
  for (const [framework, t] of Object.entries(totals)) {
    const rate = t.nodes ? (100 * t.passed / t.nodes).toFixed(1) : '0';
    console.log(`design2code ${framework} fidelity: ${t.passed}/${t.nodes} nodes within ` +
                `${tolerance}px (${rate}%), rotated bounds of ${t.rotatedPassed ?? 0}/` +
                `${t.rotated ?? 0} rotated nodes`);
  }
});

async function open(url, width, height) {
  const tab = await (await browser()).newPage();
  await tab.route('**/*', (route) =>
    route.request().url().startsWith('http://127.0.0.1') ? route.continue() : route.abort());
  const errors = [];
  tab.on('pageerror', (e) => errors.push(e.message));
  await tab.setViewportSize({ width: Math.max(1280, Math.ceil(width)),
                              height: Math.max(800, Math.ceil(height)) });
  await tab.goto(url);
  return { tab, errors };
}

// --- one multi-page project per framework --------------------------------------------------------

const prepared = {};
function prepare(framework) {
  prepared[framework] ??= (async () => {
    const root = join(work, framework);
    mkdirSync(join(root, 'cases'), { recursive: true });
    symlinkSync(nodeModules, join(root, 'node_modules'), 'dir');
    const input = {};
    for (const c of cases) {
      const dir = join(root, 'cases', c.name);
      execFileSync(binary, ['design2code', join(corpusDir, c.file), '--target', framework,
                            '-o', dir, '--frame', c.page.id]);
      input[c.name] = join(dir, 'index.html');
    }
    // The generated tsconfig, pointed at every page's sources at once.
    const tsconfig = JSON.parse(readFileSync(join(root, 'cases', cases[0].name, 'tsconfig.json')));
    tsconfig.include = ['cases/*/src'];
    writeFileSync(join(root, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
    const { build } = await import('vite');
    const plugin = (await import(frameworks[framework].plugin)).default;
    await build({ root, configFile: false, base: './', logLevel: 'warn', plugins: [plugin()],
                  build: { outDir: join(root, 'dist'), emptyOutDir: true,
                           rolldownOptions: { input } } });
    return root;
  })();
  return prepared[framework];
}

for (const framework of Object.keys(frameworks)) {
  test(`${framework}: every page type-checks (${framework === 'react' ? 'tsc' : 'vue-tsc'} --noEmit)`,
       async () => {
    const root = await prepare(framework);
    try {
      execFileSync(process.execPath, [frameworks[framework].checker, '--noEmit', '-p', root],
                   { encoding: 'utf8' });
    } catch (e) {
      assert.fail(`type errors:\n${e.stdout}${e.stderr}`);
    }
  });

  for (const c of cases) {
    test(`${framework}: ${c.file} / ${c.page.name}`, async () => {
      const root = await prepare(framework);
      const built = join(root, 'dist', 'cases', c.name, 'index.html');
      const { tab, errors } = await open(await urlOf(built), c.page.width, c.page.height);
      try {
        await tab.waitForSelector('[data-node-id]', { state: 'attached' });
        const boxes = await tab.evaluate(readBoxes);
        assert.deepEqual(errors, []);
        assert.deepEqual(compareBoxes(c.doc, c.page, boxes, tolerance, totals[framework]), []);
      } finally {
        await tab.close();
      }
    });
  }

  test(`${framework}: a generated project builds on its own with npm run build`, async () => {
    const dir = join(work, `${framework}-standalone`);
    execFileSync(binary, ['design2code', join(corpusDir, '16-multi-page.json'), '--target',
                          framework, '-o', dir]);
    symlinkSync(nodeModules, join(dir, 'node_modules'), 'dir');
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: dir, stdio: 'pipe' });
    // Several pages: the app lists them, and #/<page> shows one.
    const { tab, errors } = await open(await urlOf(join(dir, 'dist', 'index.html')), 1280, 800);
    try {
      await tab.waitForSelector('nav a');
      const links = await tab.$$eval('nav a', (as) => as.map((a) => a.textContent));
      assert.deepEqual(links, ['Landing', 'Pricing']);
      await tab.click('text=Pricing');
      await tab.waitForSelector('[data-node-id="4"]');
      assert.equal(await tab.textContent('[data-node-id="4"]'), 'Pricing');
      assert.deepEqual(errors, []);
    } finally {
      await tab.close();
    }
  });
}
