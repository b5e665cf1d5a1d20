// Fidelity of the HTML target: compiles every canvas document in corpus/ with the real CLI
// (one run per top-level frame or component, --frame), renders index.html in headless Chromium and compares
// every node's box (read through data-node-id) with the design's geometry, within 1 px, and every
// text's content with the design's. Boxes are measured with transforms switched off, because the
// design's geometry describes a node before its rotation; nodes that are rotated (or inside
// rotated ones) are measured a second time as drawn, against the bounds of their rotated outline. Prints the pass rate over all nodes.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

import { compareBoxes, expectedBoxes, readBoxes } from './boxes.mjs';

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
  console.log(`design2code fidelity: rotated bounds of ${totals.rotatedPassed ?? 0}/` +
              `${totals.rotated ?? 0} rotated nodes within ${tolerance}px`);
  console.log(`design2code fidelity: ${totals.passed}/${totals.nodes} nodes within ${tolerance}px ` +
              `(${rate}%)`);
});

async function measure(dir, width, height) {
  const context = await browser();
  const tab = await context.newPage();
  try {
    await tab.route('**/*', (route) =>
      route.request().url().startsWith('file:') ? route.continue() : route.abort());
    await tab.setViewportSize({ width: Math.max(1280, Math.ceil(width)),
                                height: Math.max(800, Math.ceil(height)) });
    await tab.goto(pathToFileURL(join(dir, 'index.html')).href);
    return await tab.evaluate(readBoxes);
  } finally {
    await tab.close();
  }
}

for (const file of readdirSync(corpusDir).filter((f) => f.endsWith('.json')).sort()) {
  const doc = JSON.parse(readFileSync(join(corpusDir, file), 'utf8'));
  // Top-level frames are the pages; top-level components (a library placed outside any frame)
  // are compiled as pages of their own through --frame, so they are measured too.
  for (const page of doc.children.filter((n) => n.type === 'frame' || n.type === 'component')) {
    test(`${file} / ${page.name}`, async () => {
      const out = mkdtempSync(join(work, 'out-'));
      execFileSync(binary, ['design2code', join(corpusDir, file), '--target', 'html', '-o', out,
                            '--frame', page.id]);
      const boxes = await measure(out, page.width, page.height);
      const failures = compareBoxes(doc, page, boxes, tolerance, totals);
      assert.deepEqual(failures, []);
    });
  }
}

// Runs after the pages above: every shown node that is rotated or inside a rotated one had its
// drawn bounds compared (a page whose rotated nodes went unmeasured would not say so itself).
test('rotated nodes of the corpus are measured by their drawn bounds', () => {
  let expected = 0;
  for (const file of readdirSync(corpusDir).filter((f) => f.endsWith('.json'))) {
    const doc = JSON.parse(readFileSync(join(corpusDir, file), 'utf8'));
    for (const page of doc.children.filter((n) => n.type === 'frame' || n.type === 'component')) {
      expected += expectedBoxes(doc, page).filter((b) => b.bounds && !b.hidden).length;
    }
  }
  assert.ok(expected > 0, 'the corpus has rotated nodes');
  assert.equal(totals.rotated, expected);
  assert.equal(totals.rotatedPassed, expected);
});
