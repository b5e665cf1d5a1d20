// Fidelity of the Figma importer on real Figma REST files from public sources (figma/, see
// figma/LICENCES.md): every top-level frame is compiled with the real CLI straight from the Figma
// JSON (--frame <id>), rendered in headless Chromium, and every node's box (read through
// data-node-id) is compared within 1 px with the box Figma itself reports (absoluteBoundingBox,
// unrotated), and every text's content with its `characters`. The expectation is computed from
// the Figma JSON, not from the importer's output, so the importer is checked, not trusted.
// Prints the pass rate over all nodes.
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

const figmaDir = join(fileURLToPath(new URL('.', import.meta.url)), 'figma');
const tolerance = 1;
const work = mkdtempSync(join(tmpdir(), 'od-d2c-figma-'));
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
  console.log(`figma import fidelity: ${totals.passed}/${totals.nodes} nodes within ${tolerance}px ` +
              `(${rate}%)`);
});

// What a Figma file's pages (CANVAS nodes) hold outside any frame and the harness compiles with
// --frame: their FRAME children, and the COMPONENTs placed directly on them (compiled as pages of
// their own, else a library component would never be measured).
function pages(file) {
  const out = [];
  for (const page of file.document.children) {
    for (const node of page.children || []) {
      if (node.type === 'FRAME' || node.type === 'COMPONENT') out.push(node);
    }
  }
  return out;
}

// Figma's own boxes, unrotated: the centre of absoluteBoundingBox (the bounds of the rotated
// node) with the node's size, relative to the frame's top-left corner.
function expectedBoxes(frame) {
  const origin = frame.absoluteBoundingBox;
  const out = [];
  const drawnFromGeometry = new Set(['VECTOR', 'BOOLEAN_OPERATION', 'STAR', 'POLYGON',
                                     'REGULAR_POLYGON']);
  const walk = (n, hidden) => {
    if (n.type === 'SLICE' || !n.absoluteBoundingBox) return;
    const b = n.absoluteBoundingBox;
    const isHidden = hidden || n.visible === false;
    const width = n.size?.x ?? b.width;
    const height = n.size?.y ?? b.height;
    const cx = b.x + b.width / 2 - origin.x;
    const cy = b.y + b.height / 2 - origin.y;
    out.push({ id: n.id, name: n.name, x: cx - width / 2, y: cy - height / 2, width, height,
               hidden: isHidden, text: n.type === 'TEXT' ? n.characters : null });
    // Operands of a shape drawn from its geometry are part of that drawing, not elements.
    const geometry = (n.fillGeometry?.length || n.strokeGeometry?.length) &&
                     drawnFromGeometry.has(n.type);
    if (!geometry) (n.children || []).forEach((c) => walk(c, isHidden));
  };
  walk(frame, false);
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
                                     text: el.textContent,
                                     count: (boxes[el.dataset.nodeId]?.count ?? 0) + 1 };
      }
      return boxes;
    });
  } finally {
    await tab.close();
  }
}

for (const file of readdirSync(figmaDir).filter((f) => f.endsWith('.json')).sort()) {
  const figma = JSON.parse(readFileSync(join(figmaDir, file), 'utf8'));
  for (const frame of pages(figma)) {
    test(`${file} / ${frame.name} (${frame.id})`, async () => {
      const out = mkdtempSync(join(work, 'out-'));
      execFileSync(binary, ['design2code', join(figmaDir, file), '--target', 'html', '-o', out,
                            '--frame', frame.id]);
      const b = frame.absoluteBoundingBox;
      const boxes = await measure(out, b.width, b.height);
      const failures = [];
      for (const want of expectedBoxes(frame)) {
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
              problem = `${k} is ${+got[k].toFixed(2)}, Figma says ${+want[k].toFixed(2)}`;
              break;
            }
          }
          if (!problem && want.text !== null && got.text !== want.text) {
            problem = `text is ${JSON.stringify(got.text)}, Figma says ${JSON.stringify(want.text)}`;
          }
        }
        if (problem) failures.push(`${want.id} (${want.name}): ${problem}`);
        else totals.passed += 1;
      }
      assert.deepEqual(failures, []);
    });
  }
}
