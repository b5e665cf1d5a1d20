// `opendesign design2code` on hostile input, canvas and Figma alike: each case exits 1 with a
// clear message naming where the problem is, and nothing is written.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const binary = process.env.OD_BINARY;
if (!binary) throw new Error('OD_BINARY is not set: run the suite through scripts/test.sh');
const work = mkdtempSync(join(tmpdir(), 'od-d2c-bad-'));
after(() => rmSync(work, { recursive: true, force: true }));

let n = 0;
function compile(text) {
  const input = join(work, `input-${++n}.json`);
  writeFileSync(input, text);
  const out = join(work, `out-${n}`);
  const res = spawnSync(binary, ['design2code', input, '-o', out], { encoding: 'utf8' });
  return { ...res, wrote: existsSync(out) };
}

function expectRefused(text, pattern) {
  const res = compile(text);
  assert.equal(res.status, 1, res.stderr);
  assert.equal(res.signal, null);
  assert.match(res.stderr, pattern);
  assert.equal(res.wrote, false);
}

const box = (x, y, width, height) => ({ x, y, width, height });

test('component instance loops', () => {
  expectRefused(JSON.stringify({ version: 1, children: [
    { id: 'a', type: 'component', children: [{ id: 'ia', type: 'instance', componentId: 'b' }] },
    { id: 'b', type: 'component', children: [{ id: 'ib', type: 'instance', componentId: 'a' }] },
  ] }), /\/children\/\d: component '[ab]' contains an instance of itself/);
  expectRefused(JSON.stringify({ id: '1:1', type: 'COMPONENT', absoluteBoundingBox: box(0, 0, 9, 9),
    children: [{ id: '1:2', type: 'INSTANCE', componentId: '1:1', absoluteBoundingBox: box(0, 0, 9, 9) }] }),
  /component '1:1' contains an instance of itself/);
});

test('absurd sizes', () => {
  expectRefused(JSON.stringify({ version: 1, children: [{ id: 'p', type: 'frame', width: 1e300 }] }),
                /\/children\/0\/width: must be between 0(\.0)? and 1000000/);
  expectRefused(JSON.stringify({ id: '1:1', type: 'FRAME', absoluteBoundingBox: box(0, 0, 10, 1e9) }),
                /\/absoluteBoundingBox\/height: must be between/);
});

test('a 100 MB string', () => {
  expectRefused('{"version": 1, "name": "' + 'x'.repeat(100 << 20) + '", "children": []}',
                /at byte 23: a string is longer than/);
});

test('nesting 10,000 deep', () => {
  expectRefused('{"version": 1, "children": ' +
                '[{"id": "n", "type": "frame", "children": '.repeat(10000) + '[]' + '}]'.repeat(10000) + '}',
                /nesting is deeper than/);
  expectRefused('{"id": "1:1", "type": "FRAME", "children": ['.repeat(10000) + ']}'.repeat(10000),
                /nesting is deeper than/);
});

test('wrong types', () => {
  expectRefused('[1, 2, 3]', /neither a canvas document .* nor a Figma file/);
  expectRefused(JSON.stringify({ version: 1, children: [{ id: 'p', type: 'frame', opacity: 'half' }] }),
                /\/children\/0\/opacity: must be a number, not a string/);
  expectRefused(JSON.stringify({ document: { type: 'DOCUMENT', children: [{ type: 'CANVAS', children: [
    { id: '1:2', type: 'TEXT', absoluteBoundingBox: box(0, 0, 9, 9), characters: 7 }] }] } }),
  /\/document\/children\/0\/children\/0\/characters: must be a string, not a number/);
  expectRefused('{"version": 1, "children": [', /not valid JSON/);
});
