// Fidelity of the HTML target: compiles every canvas document in corpus/ with the real CLI
// (one run per top-level frame, --frame), renders index.html in headless Chromium and compares
// every node's box (read through data-node-id) with the design's geometry, within 1 px, and every
// text's content with the design's. Boxes are measured with transforms switched off, because the
// design's geometry describes a node before its rotation. Prints the pass rate over all nodes.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const binary = process.env.OD_BINARY;
if (!binary) throw new Error('OD_BINARY is not set: run the suite through scripts/test.sh');

const corpusDir = join(fileURLToPath(new URL('.', import.meta.url)), 'corpus');
const tolerance = 1;
const work = mkdtempSync(join(tmpdir(), 'od-d2c-fidelity-'));
const totals = { nodes: 0, passed: 0 };

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
  rmSync(work, { recursive: true, force: true });
  const rate = totals.nodes ? (100 * totals.passed / totals.nodes).toFixed(1) : '0';
  console.log(`design2code fidelity: ${totals.passed}/${totals.nodes} nodes within ${tolerance}px ` +
              `(${rate}%)`);
});

// The boxes the design promises, by data-node-id, in page coordinates. Instances without
// children of their own show their component's children, with ids "<instance id>;<child id>",
// and with the instance's overrides of text and visibility.
function expectedBoxes(doc, page) {
  const components = new Map();
  const collect = (n) => {
    if (n.type === 'component') components.set(n.id, n);
    (n.children || []).forEach(collect);
  };
  doc.children.forEach(collect);
  const out = [];
  // `overrides`: the enclosing instances' overrides still to apply here, by id below this level
  // ("<id>" for this level's nodes, "<nested instance id>;<id>" deeper), outer ones first.
  const walk = (n, prefix, ox, oy, hidden, overrides = {}) => {
    const id = prefix + n.id;
    const own = overrides[n.id] ?? {};
    const x = ox + (n.x || 0);
    const y = oy + (n.y || 0);
    const isHidden = hidden || (own.visible ?? n.visible) === false;
    let text = null;
    if (n.type === 'text') {
      text = own.characters ??
             (n.text.runs ? n.text.runs.map((r) => r.text).join('') : (n.text.characters ?? ''));
    }
    out.push({ id, name: n.name, x, y, width: n.width, height: n.height, hidden: isHidden, text });
    let children = n.children || [];
    let childPrefix = prefix;
    let childOverrides = {};
    if (n.type === 'instance' && children.length === 0 && components.has(n.componentId)) {
      children = components.get(n.componentId).children || [];
      childPrefix = id + ';';
      // Keys handed down from outside ("<this id>;<rest>") win over this instance's own.
      childOverrides = { ...(n.overrides || {}) };
      for (const [key, value] of Object.entries(overrides)) {
        if (key.startsWith(n.id + ';')) {
          const rest = key.slice(n.id.length + 1);
          childOverrides[rest] = { ...(childOverrides[rest] || {}), ...value };
        }
      }
    } else {
      childOverrides = overrides;
    }
    children.forEach((c) => walk(c, childPrefix, x, y, isHidden, childOverrides));
  };
  walk(page, '', -page.x || 0, -page.y || 0, false);
  return out;
}

async function measure(dir, width, height) {
  const context = await browser();
  const tab = await context.newPage();
  try {
    await tab.route('**/*', (route) =>
      route.request().url().startsWith('file:') ? route.continue() : route.abort());
    await tab.setViewportSize({ width: Math.max(1280, Math.ceil(width)),
                                height: Math.max(800, Math.ceil(height)) });
    await tab.goto(pathToFileURL(join(dir, 'index.html')).href);
    return await tab.evaluate(() => {
      const boxes = {};
      for (const el of document.querySelectorAll('[data-node-id]:not([data-run])')) {
        el.style.transform = 'none';
      }
      for (const el of document.querySelectorAll('[data-node-id]:not([data-run])')) {
        const r = el.getBoundingClientRect();
        const shown = getComputedStyle(el).display !== 'none' && el.getClientRects().length > 0;
        boxes[el.dataset.nodeId] = { x: r.x, y: r.y, width: r.width, height: r.height, shown,
                                     text: el.textContent, count: (boxes[el.dataset.nodeId]?.count ?? 0) + 1 };
      }
      return boxes;
    });
  } finally {
    await tab.close();
  }
}

for (const file of readdirSync(corpusDir).filter((f) => f.endsWith('.json')).sort()) {
  const doc = JSON.parse(readFileSync(join(corpusDir, file), 'utf8'));
  for (const page of doc.children.filter((n) => n.type === 'frame')) {
    test(`${file} / ${page.name}`, async () => {
      const out = mkdtempSync(join(work, 'out-'));
      execFileSync(binary, ['design2code', join(corpusDir, file), '--target', 'html', '-o', out,
                            '--frame', page.id]);
      const boxes = await measure(out, page.width, page.height);
      const failures = [];
      for (const want of expectedBoxes(doc, page)) {
        totals.nodes += 1;
        const got = boxes[want.id];
        let problem = null;
        if (!got) problem = 'no element carries this data-node-id';
        else if (got.count !== 1) problem = `${got.count} elements carry this data-node-id`;
        else if (want.hidden) problem = got.shown ? 'hidden in the design but shown' : null;
        else if (!got.shown) problem = 'not shown';
        else {
          for (const k of ['x', 'y', 'width', 'height']) {
            if (Math.abs(got[k] - want[k]) > tolerance) {
              problem = `${k} is ${got[k]}, the design says ${want[k]}`;
              break;
            }
          }
          if (!problem && want.text !== null && got.text !== want.text) {
            problem = `text is ${JSON.stringify(got.text)}, the design says ` +
                      JSON.stringify(want.text);
          }
        }
        if (problem) failures.push(`${want.id} (${want.name}): ${problem}`);
        else totals.passed += 1;
      }
      assert.deepEqual(failures, []);
    });
  }
}
