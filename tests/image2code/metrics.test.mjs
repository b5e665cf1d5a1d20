// The screenshot-to-code evaluation metrics (metrics.mjs, render.mjs) against known values:
// difflib's ratios (quirks included), scipy's assignment example, Sharma et al.'s CIEDE2000 test
// pairs, and a real Chromium render whose text blocks, colours and boxes are known.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  ciede2000, colourSimilarity, linearSumAssignment, scoreBlocks, sequenceRatio, srgbToLab, ssim,
} from './metrics.mjs';
import { layoutImage, openBrowser, renderWithBlocks } from './render.mjs';

const close = (actual, expected, tolerance, what) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} is not ${expected}`);

test('text similarity is difflib.SequenceMatcher.ratio, autojunk included', () => {
  assert.equal(sequenceRatio('', ''), 1);
  assert.equal(sequenceRatio('abc', ''), 0);
  assert.equal(sequenceRatio('hello world', 'hello world'), 1);
  assert.equal(sequenceRatio('abcd', 'bcde'), 0.75);
  close(sequenceRatio('abxcd', 'abcd'), 8 / 9, 1e-12, 'abxcd/abcd');
  // difflib drops characters making up over 1% of a 200+ character b from its index ("autojunk"),
  // which makes this ratio 0.00943 where an exact longest-common-substring search gives 0.1132
  // (both values printed by Python 3.11's difflib).
  const b = 'dbb dd  bbbd aabdacac d   d bcaab bc c d dcdd dbcacdbcdddabdccaa  aca bac  aadda dcdcdbacaa' +
            'addab cdcbacccb   d ddaddc bc cdcdca dca ddbac ccdc adaacc cddcbcbccdcc aadbcdbcbcb aadccb' +
            ' bacbd cbaadbcdbcca';
  assert.equal(b.length, 200);
  close(sequenceRatio('ddbcd dada c', b), 0.009433962264150943, 1e-15, 'autojunk');
  close(sequenceRatio('a'.repeat(10), 'a'.repeat(200)), 20 / 210, 1e-15, 'popular run');
});

test('assignment minimises the total cost, square and rectangular', () => {
  assert.deepEqual(linearSumAssignment([[4, 1, 3], [2, 0, 5], [3, 2, 2]]), [[0, 1], [1, 0], [2, 2]]);
  assert.deepEqual(linearSumAssignment([[1, 2, 3]]), [[0, 0]]);
  assert.deepEqual(linearSumAssignment([[5], [1], [3]]), [[1, 0]]);
  assert.deepEqual(linearSumAssignment([]), []);
});

test('CIEDE2000 matches Sharma, Wu and Dalal test pairs', () => {
  const pairs = [
    [[50, 2.6772, -79.7751], [50, 0, -82.7485], 2.0425],
    [[50, 0, 0], [50, -1, 2], 2.3669],
    [[50, 2.5, 0], [73, 25, -18], 27.1492],
    [[60.2574, -34.0099, 36.2677], [60.4626, -34.1751, 39.4387], 1.2644],
  ];
  for (const [p, q, expected] of pairs) close(ciede2000(p, q), expected, 1e-4, `${p} vs ${q}`);
  const red = srgbToLab([255, 0, 0]);
  close(red[0], 53.24, 0.01, 'L of red');
  close(red[1], 80.09, 0.01, 'a of red');
  close(red[2], 67.2, 0.01, 'b of red');
  assert.equal(colourSimilarity([12, 34, 56], [12, 34, 56]), 1);
  close(colourSimilarity([0, 0, 0], [255, 255, 255]), 0, 1e-3, 'black vs white');
});

const block = (text, x, y, w, h, color = [0, 0, 0]) => ({ text, bbox: [x, y, w, h], color });

test('identical blocks score 1 on every metric', () => {
  const page = [block('Welcome', 0.1, 0.1, 0.3, 0.05), block('Sign in', 0.7, 0.1, 0.1, 0.03)];
  const score = scoreBlocks(page, page);
  for (const metric of ['block', 'text', 'position', 'color']) assert.equal(score[metric], 1);
  assert.equal(score.matched, 2);
});

test('a shift costs position, a colour costs colour, an extra block costs block-match', () => {
  const reference = [block('Pricing plans for teams', 0.1, 0.1, 0.4, 0.05)];
  const shifted = scoreBlocks([block('Pricing plans for teams', 0.1, 0.2, 0.4, 0.05)], reference);
  close(shifted.position, 0.9, 1e-12, 'position');
  assert.equal(shifted.text, 1);
  const grey = scoreBlocks([block('Pricing plans for teams', 0.1, 0.1, 0.4, 0.05, [128, 128, 128])],
                           reference);
  assert.ok(grey.color < 1 && grey.color > 0.5, `colour ${grey.color}`);
  const extra = scoreBlocks([...reference, block('Zzzzqqq', 0.5, 0.5, 0.4, 0.05)], reference);
  close(extra.block, 0.04 / 0.06, 1e-12, 'block-match');
  assert.deepEqual(scoreBlocks([], reference),
                   { block: 0, text: 0, position: 0, color: 0, matched: 0, imperfect: [] });
  const misread = scoreBlocks([block('Pricing p1ans for teams', 0.1, 0.1, 0.4, 0.05)], reference);
  assert.deepEqual(misread.imperfect, [{ generated: 'Pricing p1ans for teams',
                                         reference: 'Pricing plans for teams',
                                         similarity: misread.text }]);
  assert.ok(misread.text < 1);
  assert.deepEqual(shifted.imperfect, []);
});

test('a paragraph split into lines is merged before matching', () => {
  const reference = [block('The quick brown fox jumps over the lazy dog', 0.1, 0.1, 0.5, 0.04)];
  const lines = [block('The quick brown fox', 0.1, 0.1, 0.5, 0.02),
                 block('jumps over the lazy dog', 0.1, 0.12, 0.5, 0.02)];
  const score = scoreBlocks(lines, reference);
  assert.equal(score.matched, 1);
  assert.equal(score.text, 1);
  assert.equal(score.block, 1);
});

test('SSIM is 1 for equal images and falls with structure changes', () => {
  const make = (f) => ({ width: 32, height: 32,
                         data: Float64Array.from({ length: 1024 }, (_, i) => f(i % 32, i >> 5)) });
  const stripes = make((x) => (x % 8 < 4 ? 0 : 255));
  close(ssim(stripes, stripes), 1, 1e-12, 'same image');
  const other = make((x, y) => (y % 8 < 4 ? 0 : 255));
  assert.ok(ssim(stripes, other) < 0.5);
});

let browser;
const work = mkdtempSync(join(tmpdir(), 'od-image2code-metrics-'));
after(async () => {
  await browser?.close();
  rmSync(work, { recursive: true, force: true });
});

test('recolouring finds each element\'s text block with its box and colour', async () => {
  browser = await openBrowser();
  const file = join(work, 'page.html');
  writeFileSync(file, `<!doctype html><html><body style="margin:0;background:#fff">
    <h1 style="position:absolute;left:100px;top:50px;margin:0;font:40px sans-serif;color:#c00000">Big title</h1>
    <p style="position:absolute;left:600px;top:300px;margin:0;font:16px sans-serif;color:#0050a0">Some <strong>strong</strong> words</p>
    <div style="position:absolute;left:0;top:1200px;width:10px;height:10px"></div>
  </body></html>`);
  const { image, blocks } = await renderWithBlocks(browser, pathToFileURL(file).href);
  assert.equal(image.width, 1280);
  assert.ok(image.height >= 1210, `page height ${image.height}`);
  assert.deepEqual(blocks.map((b) => b.text), ['Big title', 'Some strong words']);
  const [title, para] = blocks;
  // Core glyph pixels carry the text colour (anti-aliased edges are not counted).
  assert.ok(title.color.every((c, k) => Math.abs(c - [192, 0, 0][k]) <= 6), `${title.color}`);
  assert.ok(para.color.every((c, k) => Math.abs(c - [0, 80, 160][k]) <= 6), `${para.color}`);
  close(title.bbox[0] * image.width, 100, 6, 'title left');
  close(title.bbox[1] * image.height, 50, 12, 'title top');
  close(para.bbox[0] * image.width, 600, 4, 'paragraph left');
  assert.ok(para.bbox[2] * image.width > 80, 'paragraph width covers its three words');
  const layout = layoutImage(image, blocks, 64);
  assert.equal(layout.data.length, 64 * 64);
  // With the text filled in, a page of text on white is uniformly white.
  assert.ok(layout.data.every((v) => v > 250), 'text blocks are filled with their surroundings');
});
