// `opendesign image2code` as users run it: a page rendered in headless Chromium goes in as a
// screenshot; the canvas document, the picture crops and the HTML come out, the HTML renders
// with the page's texts where they were; hostile files exit 1 with a sentence saying why.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { encodePng, openBrowser, renderWithBlocks } from './render.mjs';

const binary = process.env.OD_BINARY;
if (!binary) throw new Error('OD_BINARY is not set: run the suite through scripts/test.sh');
const work = mkdtempSync(join(tmpdir(), 'od-i2c-cli-'));
let browser;
before(async () => { browser = await openBrowser(); });
after(async () => {
  await browser?.close();
  rmSync(work, { recursive: true, force: true });
});

const run = (...args) => spawnSync(binary, ['image2code', ...args], { encoding: 'utf8' });

const page = `<!doctype html><html><body style="margin:0;font-family:sans-serif;background:#fff">
<div style="height:64px;background:#212529;color:#fff;display:flex;align-items:center;gap:40px;padding:0 32px;font-size:18px">
  <b>Acme</b><span>Products</span><span>Pricing</span><span>Contact</span></div>
<h1 style="margin:80px 0 0 120px;font-size:44px;color:#1a1a2e">Ship designs faster</h1>
<p style="margin:24px 0 0 120px;font-size:18px;color:#555">Turn screenshots into editable layouts.</p>
<div style="margin:32px 0 0 120px;width:180px;height:52px;border-radius:8px;background:#0d6efd;color:#fff;
  display:flex;align-items:center;justify-content:center;font-size:18px">Get started</div>
</body></html>`;

test('a rendered page becomes a document, assets and HTML with its texts in place', async () => {
  writeFileSync(join(work, 'page.html'), page);
  const reference = await renderWithBlocks(browser, pathToFileURL(join(work, 'page.html')).href);
  const shot = join(work, 'shot.png');
  writeFileSync(shot, encodePng(reference.image));
  const out = join(work, 'out');
  const result = run(shot, '--target', 'html', '-o', out, '--timings');
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stderr, /stage ocr .* ms \(cpu/);

  const doc = JSON.parse(readFileSync(join(out, 'design.json'), 'utf8'));
  assert.equal(doc.version, 1);
  const frame = doc.children[0];
  assert.equal(frame.width, reference.image.width);
  const ids = [];
  const texts = [];
  const walk = (n) => {
    ids.push(n.id);
    if (n.type === 'text') texts.push(n.text.characters);
    if (n.assetId) assert.ok(existsSync(join(out, 'assets', n.assetId)), n.assetId);
    (n.children ?? []).forEach(walk);
  };
  walk(frame);
  const html = readFileSync(join(out, 'index.html'), 'utf8');
  for (const id of ids) assert.ok(html.includes(`data-node-id="${id}"`), `${id} missing in HTML`);
  for (const expected of ['Ship designs faster', 'Get started', 'Pricing']) {
    assert.ok(texts.some((t) => t.includes(expected)), `"${expected}" not read: ${JSON.stringify(texts)}`);
  }

  // The generated page renders its texts within a few pixels of where the screenshot had them.
  const generated = await renderWithBlocks(browser, pathToFileURL(join(out, 'index.html')).href);
  for (const expected of ['Ship designs faster', 'Get started']) {
    const want = reference.blocks.find((b) => b.text.includes(expected));
    const got = generated.blocks.find((b) => b.text.includes(expected));
    assert.ok(want && got, expected);
    // Boxes are fractions of the page: back to pixels of each render.
    const centre = (b, image) => [(b.bbox[0] + b.bbox[2] / 2) * image.width,
                                  (b.bbox[1] + b.bbox[3] / 2) * image.height];
    const [wx, wy] = centre(want, reference.image);
    const [gx, gy] = centre(got, generated.image);
    assert.ok(Math.abs(wx - gx) <= 12 && Math.abs(wy - gy) <= 8,
              `${expected}: centre ${gx},${gy} instead of ${wx},${wy}`);
  }
});

test('numbers in boxes without padding are read, with no glyph pictures left over them', async () => {
  // Tesseract's page pass misses short numbers in small tinted boxes; glyphs touching a box's
  // edge are too small to be regions, and a two-digit number's centre lies between its glyphs.
  const boxes = ['1', '2', '7', '11', '12', '4'].map((n) => `<div style="background:#f99">${n}</div>`);
  writeFileSync(join(work, 'grid.html'), `<!doctype html><html><body style="margin:8px;
    font-family:sans-serif;background:#fff"><div style="display:grid;gap:20px;margin-left:150px;
    grid-template-columns:repeat(6,62px)">${boxes.join('')}</div></body></html>`);
  const reference = await renderWithBlocks(browser, pathToFileURL(join(work, 'grid.html')).href);
  writeFileSync(join(work, 'grid.png'), encodePng(reference.image));
  const out = join(work, 'grid');
  const result = run(join(work, 'grid.png'), '--target', 'canvas', '-o', out);
  assert.equal(result.status, 0, result.stderr);
  const texts = [];
  let pictures = 0;
  const walk = (n) => {
    if (n.type === 'text') texts.push(n.text.characters);
    if (n.type === 'image') pictures++;
    (n.children ?? []).forEach(walk);
  };
  walk(JSON.parse(readFileSync(join(out, 'design.json'), 'utf8')));
  assert.deepEqual(texts.slice().sort(), ['1', '11', '12', '2', '4', '7'], JSON.stringify(texts));
  assert.equal(pictures, 0);
});

test('the canvas target writes the document only', () => {
  const out = join(work, 'canvas');
  writeFileSync(join(work, 'plain.png'), encodePng({
    width: 64, height: 64, data: Buffer.alloc(64 * 64 * 4, 255),
  }));
  const result = run(join(work, 'plain.png'), '--target', 'canvas', '-o', out);
  assert.equal(result.status, 0, result.stderr);
  assert.ok(existsSync(join(out, 'design.json')));
  assert.ok(!existsSync(join(out, 'index.html')));
});

test('the react and vue targets write the design-to-code engine\'s Vite projects', () => {
  for (const target of ['react', 'vue']) {
    const out = join(work, target);
    const result = run(join(work, 'plain.png'), '--target', target, '-o', out);
    assert.equal(result.status, 0, result.stderr);
    assert.ok(existsSync(join(out, 'design.json')));
    assert.ok(existsSync(join(out, 'package.json')), `${target}: package.json`);
    assert.ok(existsSync(join(out, target === 'react' ? 'src/main.tsx' : 'src/main.ts')), target);
  }
});

test('hostile and wrong input exits 1 with a reason', () => {
  // A PNG header claiming 100000 x 100000 pixels: refused before any decoding.
  const bomb = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
    Buffer.from('IHDR'), Buffer.from([0, 1, 0x86, 0xa0, 0, 1, 0x86, 0xa0, 8, 2, 0, 0, 0, 0, 0, 0, 0]),
  ]);
  writeFileSync(join(work, 'bomb.png'), bomb);
  let result = run(join(work, 'bomb.png'), '-o', join(work, 'bomb'));
  assert.equal(result.status, 1);
  assert.match(result.stderr, /100000 x 100000 px; at most 4096 x 16384/);

  const full = encodePng({ width: 300, height: 200, data: Buffer.alloc(300 * 200 * 4, 90) });
  writeFileSync(join(work, 'cut.png'), full.subarray(0, full.length - 40));
  result = run(join(work, 'cut.png'), '-o', join(work, 'cut'));
  assert.equal(result.status, 1);
  assert.match(result.stderr, /truncated or corrupt/);

  writeFileSync(join(work, 'text.png'), 'not a picture at all');
  result = run(join(work, 'text.png'), '-o', join(work, 'text'));
  assert.equal(result.status, 1);
  assert.match(result.stderr, /not a PNG, JPEG or WebP/);

  result = run(join(work, 'plain.png'), '--target', 'svelte', '-o', join(work, 'svelte'));
  assert.equal(result.status, 1);
  assert.match(result.stderr, /unknown target 'svelte'/);
  assert.ok(!existsSync(join(work, 'svelte')));
});
