// Builds random multi-client Yjs edit histories with a fixed seed and turns them into
// differential-test cases for the C++ engine (src/engines/yjs).
//
// Each case: 2-4 Y.Docs (client ids up to 2^53) edit text (with non-BMP characters, formatting and
// embeds), maps, arrays, XML and nested types, and exchange updates out of order. Every update any
// doc emits is recorded (duplicates included, which exercises overlap handling), then shuffled.
// A case also names a random subset of the updates (a peer that missed some, so merging it leaves
// gaps) and the state vector of a doc that applied only that subset (the input for a diff).
//
// As a module: generateCases(seed, count) returns the cases. As a script:
//   node generate.mjs <out.jsonl> [count] [seed]   writes one JSON case per line
//   node generate.mjs --corpus <dir> [count]       writes raw updates (a fuzzing seed corpus)
import * as Y from 'yjs'
import fs from 'node:fs'
import path from 'node:path'

export const ROOTS = { text: 'text', map: 'map', array: 'array', xml: 'xml' }

// mulberry32: small, seedable, good enough to pick edits.
export const prng = (seed) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = seed
  t = Math.imul(t ^ (t >>> 15), t | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

const CHUNKS = ['a', 'b', 'xyz', ' ', 'é', 'ß', '中文', '😀', '𝄞', '👩‍💻', '\n', 'hello ']

const makeHelpers = (rand) => {
  const int = (n) => Math.floor(rand() * n)
  const pick = (list) => list[int(list.length)]
  const text = () => {
    let s = ''
    const n = 1 + int(4)
    for (let i = 0; i < n; i++) s += pick(CHUNKS)
    return s
  }
  const plain = (depth = 0) => {
    switch (int(depth > 1 ? 7 : 10)) {
      case 0: return int(1000) - 500
      case 1: return rand() * 1e6
      case 2: return text()
      case 3: return rand() < 0.5
      case 4: return null
      case 5: return 2 ** 40 + int(1000)
      case 6: return new Uint8Array([int(256), int(256), int(256)])
      case 7: return [plain(depth + 1), plain(depth + 1)]
      case 8: return { k: plain(depth + 1), [text()]: plain(depth + 1) }
      // yjs accepts a BigInt only nested inside an Any value (lib0 type 122).
      default: return { big: BigInt(int(1e9)) * 1000003n }
    }
  }
  return { int, pick, text, plain }
}

// One random edit on `doc`, in its own transaction.
const edit = (doc, h) => {
  const { int, pick, text, plain } = h
  const t = doc.getText(ROOTS.text)
  const m = doc.getMap(ROOTS.map)
  const a = doc.getArray(ROOTS.array)
  const x = doc.getXmlFragment(ROOTS.xml)
  // Nested shared types reachable from the roots, so they get edited too.
  const nested = () => {
    const found = []
    m.forEach((v) => { if (v instanceof Y.AbstractType) found.push(v) })
    a.forEach((v) => { if (v instanceof Y.AbstractType) found.push(v) })
    return found
  }
  const newType = () => {
    switch (int(4)) {
      case 0: { const y = new Y.Map(); y.set('init', plain()); return y }
      case 1: { const y = new Y.Array(); y.insert(0, [plain(), plain()]); return y }
      case 2: return new Y.Text(text())
      default: return new Y.Doc({ guid: 'sub-' + int(1e6) })
    }
  }
  // Text positions are UTF-16 offsets. Edits never cut a surrogate pair: yjs would replace both
  // halves with U+FFFD in the documents that see the cut, so updates encoded before and after it
  // disagree about the content of the same ids, and which version a merge keeps is arbitrary
  // (yjs/yjs#248). The engine's handling of such cuts is covered by unit tests instead.
  const editText = (yt) => {
    const units = yt.toDelta().map((d) => (typeof d.insert === 'string' ? d.insert : ' ')).join('')
    const len = yt.length
    const inPair = (p) => p > 0 && p < units.length && /[\uD800-\uDBFF]/.test(units[p - 1]) &&
      /[\uDC00-\uDFFF]/.test(units[p])
    const pos = (p) => (inPair(p) ? p - 1 : p)
    const span = (at, n) => (inPair(at + n) ? n + 1 : n)
    const r = int(7)
    if (r === 5) {
      yt.insert(len, text())  // typing at the end makes runs yjs merges into one item
    } else if (r <= 1 || len === 0) {
      const attrs = int(3) === 0 ? { bold: true } : int(4) === 0 ? { link: 'https://x/' + int(9) } : undefined
      yt.insert(pos(int(len + 1)), text(), attrs)
    } else if (r === 2) {
      const at = pos(int(len))
      yt.delete(at, span(at, 1 + int(Math.min(5, len - at))))
    } else if (r === 3) {
      const at = pos(int(len))
      yt.format(at, span(at, 1 + int(Math.min(4, len - at))), { italic: int(2) === 0 ? true : null })
    } else if (r === 4) {
      yt.insertEmbed(pos(int(len + 1)), { image: 'img' + int(9) })
    } else {
      yt.insert(pos(int(len + 1)), pick(['😀', '𝄞x', 'z']))
    }
  }
  const editArray = (ya) => {
    const len = ya.length
    const r = int(5)
    if (r <= 1 || len === 0) {
      ya.insert(int(len + 1), int(4) === 0 ? [newType()] : [plain(), plain()].slice(0, 1 + int(2)))
    } else if (r === 2) {
      const at = int(len)
      ya.delete(at, 1 + int(Math.min(3, len - at)))
    } else {
      ya.push([plain()])
    }
  }
  const editMap = (ym) => {
    const key = pick(['a', 'b', 'c', 'key😀', 'n'])
    const r = int(6)
    if (r === 0 && ym.has(key)) ym.delete(key)
    else if (r === 1) ym.set(key, newType())
    else ym.set(key, plain())
  }
  const editXml = () => {
    const len = x.length
    const r = int(5)
    if (r === 0 && len > 0) {
      x.delete(int(len), 1)
      return
    }
    const el = x.length > 0 ? x.get(int(x.length)) : null
    if (r === 1 && el instanceof Y.XmlElement) {
      el.setAttribute(pick(['class', 'id', 'href']), text())
    } else if (r === 2 && el instanceof Y.XmlElement) {
      const child = new Y.XmlText()
      el.insert(int(el.length + 1), [child])
      child.insert(0, text(), int(2) === 0 ? { bold: true } : undefined)
    } else if (r === 3 && el instanceof Y.XmlText) {
      editText(el)
    } else {
      const node = int(3) === 0 ? new Y.XmlText() : new Y.XmlElement(pick(['p', 'div', 'span']))
      x.insert(int(len + 1), [node])
      if (node instanceof Y.XmlText) node.insert(0, text())
    }
  }
  doc.transact(() => {
    const ops = 1 + int(3)
    for (let i = 0; i < ops; i++) {
      switch (int(9)) {
        case 0: case 1: editText(t); break
        case 2: case 3: editMap(m); break
        case 4: case 5: editArray(a); break
        case 6: editXml(); break
        default: {
          const n = nested().filter((y) => !(y instanceof Y.Doc))
          if (n.length === 0) { editMap(m); break }
          const y = pick(n)
          if (y instanceof Y.Text) editText(y)
          else if (y instanceof Y.Array) editArray(y)
          else if (y instanceof Y.Map) editMap(y)
        }
      }
    }
  })
}

const toHex = (u8) => Buffer.from(u8).toString('hex')
const docOf = (updates) => {
  const doc = new Y.Doc()
  for (const u of updates) Y.applyUpdate(doc, u)
  return doc
}

export const generateCase = (seed, id) => {
  const rand = prng(seed)
  const h = makeHelpers(rand)
  const clients = 2 + h.int(3)
  const docs = []
  const updates = []
  for (let i = 0; i < clients; i++) {
    const doc = new Y.Doc({ gc: h.int(4) !== 0 })
    // Mostly 32-bit ids like yjs v13, some up to 2^53 like v14, so 64-bit handling is exercised.
    doc.clientID = h.int(3) === 0 ? Math.floor(rand() * 2 ** 53) : Math.floor(rand() * 2 ** 32)
    doc.on('update', (u) => updates.push(u))
    docs.push(doc)
  }
  const steps = 5 + h.int(35)
  for (let s = 0; s < steps; s++) {
    if (h.int(8) === 0) {
      // A snapshot of one doc's whole state (optionally from another doc's state vector): the doc
      // has merged adjacent items, so these overlap the incremental updates at other struct
      // boundaries and merge and diff must slice structs.
      const doc = h.pick(docs)
      const from = h.int(2) === 0 ? Y.encodeStateVector(h.pick(docs)) : undefined
      updates.push(Y.encodeStateAsUpdate(doc, from))
    } else if (h.int(4) === 0 && updates.length > 0) {
      // Deliver some earlier update to some doc, in any order: this makes pending structs and
      // concurrent edits.
      Y.applyUpdate(h.pick(docs), h.pick(updates), 'remote')
    } else {
      edit(h.pick(docs), h)
    }
  }
  // Shuffle (Fisher-Yates) so merging sees updates in no particular order.
  for (let i = updates.length - 1; i > 0; i--) {
    const j = h.int(i + 1)
    ;[updates[i], updates[j]] = [updates[j], updates[i]]
  }
  const subset = updates.map((_, i) => i).filter(() => rand() < 0.5)
  const partial = docOf(subset.map((i) => updates[i]))
  return {
    id,
    seed,
    updates: updates.map(toHex),
    subset,
    yMerged: toHex(Y.mergeUpdates(updates)),
    fullState: toHex(Y.encodeStateAsUpdate(docOf(updates))),
    partialSv: toHex(Y.encodeStateVector(partial)),
  }
}

export const generateCases = (seed, count) => {
  const cases = []
  for (let i = 0; i < count; i++) cases.push(generateCase((seed * 7919 + i * 104729) | 0, i))
  return cases
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv[2] === '--corpus') {
    const dir = process.argv[3]
    fs.mkdirSync(dir, { recursive: true })
    const cases = generateCases(1, Number(process.argv[4] || 200))
    let n = 0
    for (const c of cases) {
      for (const u of [c.yMerged, ...c.updates.slice(0, 3)]) {
        fs.writeFileSync(path.join(dir, `seed-${n++}`), Buffer.from(u, 'hex'))
      }
    }
    console.log(`wrote ${n} seed inputs to ${dir}`)
  } else {
    const out = process.argv[2]
    const cases = generateCases(Number(process.argv[4] || 1), Number(process.argv[3] || 100))
    fs.writeFileSync(out, cases.map((c) => JSON.stringify(c)).join('\n') + '\n')
    console.log(`wrote ${cases.length} cases to ${out}`)
  }
}
