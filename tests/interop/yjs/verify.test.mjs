// Differential test of the C++ Yjs engine (src/engines/yjs) against the real `yjs` package.
// generate.mjs makes random multi-client edit histories; the C++ runner (OD_YJS_RUNNER, built as
// yjs_runner) merges them, computes state vectors and diffs; this file applies the C++ results
// and yjs's own (Y.mergeUpdates, Y.encodeStateVectorFromUpdate, Y.diffUpdate) to fresh Y.Docs and
// requires the same content (every root type, text with formatting) and the same state vectors.
//   OD_YJS_RUNNER=build/yjs_runner node --test tests/interop/yjs/
// OD_YJS_CASES (default 2000) and OD_YJS_SEED (default 1) change the case set.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as Y from 'yjs'
import { generateCases, ROOTS } from './generate.mjs'

const runner = process.env.OD_YJS_RUNNER
const COUNT = Number(process.env.OD_YJS_CASES || 2000)
const SEED = Number(process.env.OD_YJS_SEED || 1)
const BATCH = 50

// Plain values for deepStrictEqual: sub-documents by guid (a Y.Doc holds client-specific state).
const plain = (v) => {
  if (v instanceof Y.Doc) return { subdoc: v.guid }
  if (v instanceof Uint8Array || v === null || typeof v !== 'object') return v
  if (Array.isArray(v)) return v.map(plain)
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]))
}

const content = (doc) => plain({
  text: doc.getText(ROOTS.text).toDelta(),
  map: doc.getMap(ROOTS.map).toJSON(),
  array: doc.getArray(ROOTS.array).toJSON(),
  xml: doc.getXmlFragment(ROOTS.xml).toString(),
})

const svMap = (bytes) => [...Y.decodeStateVector(bytes).entries()].sort((a, b) => a[0] - b[0])
const docOf = (...updates) => {
  const doc = new Y.Doc()
  for (const u of updates) Y.applyUpdate(doc, u)
  return doc
}
const hex = (s) => new Uint8Array(Buffer.from(s, 'hex'))

const checkCase = (c, r) => {
  const where = `case ${c.id} (seed ${c.seed})`
  assert.equal(r.error, undefined, `${where}: runner failed: ${r.error}`)
  const updates = c.updates.map(hex)
  const full = docOf(...updates)
  const want = content(full)
  const wantSv = svMap(Y.encodeStateVector(full))

  // merge of everything: same document as applying every update.
  const merged = docOf(hex(r.merged))
  assert.deepEqual(content(merged), want, `${where}: merge content`)
  assert.deepEqual(svMap(Y.encodeStateVector(merged)), wantSv, `${where}: merge state vector`)

  // state vectors straight from updates.
  assert.deepEqual(svMap(hex(r.sv)), svMap(Y.encodeStateVectorFromUpdate(hex(c.yMerged))),
    `${where}: state vector of the merged update`)
  r.svEach.forEach((sv, i) => assert.deepEqual(svMap(hex(sv)),
    svMap(Y.encodeStateVectorFromUpdate(updates[i])), `${where}: state vector of update ${i}`))

  // merge of a subset with gaps: same (partly pending) document as yjs's merge, and the missing
  // updates complete it.
  const subset = c.subset.map((i) => updates[i])
  const ySubset = Y.mergeUpdates(subset)
  assert.deepEqual(svMap(hex(r.svSubset)), svMap(Y.encodeStateVectorFromUpdate(ySubset)),
    `${where}: state vector of the subset merge`)
  const ours = docOf(hex(r.mergedSubset))
  const theirs = docOf(ySubset)
  assert.deepEqual(content(ours), content(theirs), `${where}: subset merge content`)
  assert.deepEqual(svMap(Y.encodeStateVector(ours)), svMap(Y.encodeStateVector(theirs)),
    `${where}: subset merge state vector`)
  // Completed the same way, both must end equal. (Not compared with `want`: yjs itself can end
  // with different text formatting when a doc with pending structs is read before completion.)
  for (const u of updates) {
    Y.applyUpdate(ours, u)
    Y.applyUpdate(theirs, u)
  }
  assert.deepEqual(content(ours), content(theirs), `${where}: subset merge completed`)

  // diff against the state vector of a peer that has the subset: brings that peer up to date.
  for (const [name, diff] of [['diff', hex(r.diff)], ['diff of yjs merge', hex(r.diffOfYMerged)],
    ['diff of a full state', hex(r.diffOfFullState)],
    ['yjs diff', Y.diffUpdate(hex(c.yMerged), hex(c.partialSv))]]) {
    const peer = docOf(...subset, diff)
    assert.deepEqual(content(peer), want, `${where}: ${name} content`)
    assert.deepEqual(svMap(Y.encodeStateVector(peer)), wantSv, `${where}: ${name} state vector`)
  }
}

test('OD_YJS_RUNNER points at the built yjs_runner', () => {
  assert.ok(runner && fs.existsSync(runner), `OD_YJS_RUNNER=${runner} does not exist`)
})

if (runner && fs.existsSync(runner)) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'od-yjs-'))
  const casesFile = path.join(dir, 'cases.jsonl')
  const resultsFile = path.join(dir, 'results.jsonl')
  const cases = generateCases(SEED, COUNT)
  fs.writeFileSync(casesFile, cases.map((c) => JSON.stringify(c)).join('\n') + '\n')
  execFileSync(runner, [casesFile, resultsFile], { stdio: 'inherit' })
  const results = fs.readFileSync(resultsFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l))
  fs.rmSync(dir, { recursive: true, force: true })

  test(`runner answered all ${COUNT} cases`, () => assert.equal(results.length, cases.length))
  for (let start = 0; start < cases.length; start += BATCH) {
    const end = Math.min(start + BATCH, cases.length)
    test(`cases ${start}-${end - 1}: merge, state vector and diff match yjs`, () => {
      for (let i = start; i < end; i++) checkCase(cases[i], results[i])
    })
  }
}
