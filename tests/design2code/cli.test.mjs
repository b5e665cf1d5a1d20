// `opendesign design2code` as users run it: files written, same bytes on every run, and clear
// errors (with JSON pointers) and exit code 1 for bad documents, frames and targets.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const binary = process.env.OD_BINARY;
if (!binary) throw new Error('OD_BINARY is not set: run the suite through scripts/test.sh');
const corpus = join(fileURLToPath(new URL('.', import.meta.url)), 'corpus');
const work = mkdtempSync(join(tmpdir(), 'od-d2c-cli-'));
after(() => rmSync(work, { recursive: true, force: true }));

const run = (...args) => spawnSync(binary, ['design2code', ...args], { encoding: 'utf8' });

function readAll(dir) {
  return Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
}

test('writes every page and the same bytes on every run', () => {
  const first = join(work, 'first');
  const second = join(work, 'second');
  const input = join(corpus, '16-multi-page.json');
  assert.equal(run(input, '--target', 'html', '-o', first).status, 0);
  assert.equal(run(input, '-o', second).status, 0);
  assert.deepEqual(Object.keys(readAll(first)), ['index.html', 'landing.html', 'pricing.html', 'styles.css']);
  assert.deepEqual(readAll(first), readAll(second));
});

test('reports problems by JSON pointer and exits 1', () => {
  const bad = join(work, 'bad.json');
  writeFileSync(bad, JSON.stringify({ version: 1, children: [
    { id: 'p', type: 'frame', children: [{ id: 'r', type: 'rectangle', fills: [{ type: 'solid' }] }] }] }));
  const res = run(bad, '-o', join(work, 'bad-out'));
  assert.equal(res.status, 1);
  assert.match(res.stderr, /\/children\/0\/children\/0\/fills\/0\/color: is required/);
  const broken = join(work, 'broken.json');
  writeFileSync(broken, '{"version": 1, "children": [');
  assert.equal(run(broken, '-o', join(work, 'broken-out')).status, 1);
});

test('refuses unknown frames, targets and missing files', () => {
  const input = join(corpus, '01-free-form.json');
  const frame = run(input, '-o', join(work, 'f'), '--frame', 'Nowhere');
  assert.equal(frame.status, 1);
  assert.match(frame.stderr, /no top-level frame or component has the id or name 'Nowhere'/);
  const target = run(input, '-o', join(work, 't'), '--target', 'svelte');
  assert.equal(target.status, 1);
  assert.match(target.stderr, /unknown target 'svelte' \(html, react or vue\)/);
  assert.equal(run(join(work, 'missing.json'), '-o', join(work, 'm')).status, 1);
});
