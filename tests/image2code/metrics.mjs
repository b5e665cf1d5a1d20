// The Design2Code benchmark's visual metrics (Si et al., 2024, "Design2Code: How Far Are We From
// Automating Front-End Engineering?"), written from the paper and its published evaluation
// procedure: text blocks of a reference and a generated page are matched by text similarity, then
// scored for block-match (matched area over all block area), text (similarity of matched texts),
// position (1 - the larger of the horizontal and vertical shift of block centres, in page-relative
// units) and text colour (1 - CIEDE2000 / 100). In place of CLIP (a learned model we cannot run
// here) the pages' overall look is scored by SSIM of the two renders with text blocks filled in.
//
// Pure functions only: rendering and block extraction live in render.mjs.

// --- Text similarity: Python difflib.SequenceMatcher(None, a, b).ratio(), autojunk included ---
// The benchmark's scores were computed with difflib, so its quirks are kept: for b of 200 or
// more characters, characters that make up over 1% of b are "popular" and only extend matches.

function longestMatch(a, b, b2j, alo, ahi, blo, bhi) {
  let besti = alo;
  let bestj = blo;
  let bestsize = 0;
  let j2len = new Map();
  for (let i = alo; i < ahi; i++) {
    const next = new Map();
    for (const j of b2j.get(a[i]) ?? []) {
      if (j < blo) continue;
      if (j >= bhi) break;
      const k = (j2len.get(j - 1) ?? 0) + 1;
      next.set(j, k);
      if (k > bestsize) {
        besti = i - k + 1;
        bestj = j - k + 1;
        bestsize = k;
      }
    }
    j2len = next;
  }
  while (besti > alo && bestj > blo && a[besti - 1] === b[bestj - 1]) {
    besti--;
    bestj--;
    bestsize++;
  }
  while (besti + bestsize < ahi && bestj + bestsize < bhi &&
         a[besti + bestsize] === b[bestj + bestsize]) {
    bestsize++;
  }
  return [besti, bestj, bestsize];
}

export function sequenceRatio(a, b) {
  const total = a.length + b.length;
  if (total === 0) return 1;
  const b2j = new Map();
  for (let j = 0; j < b.length; j++) {
    if (!b2j.has(b[j])) b2j.set(b[j], []);
    b2j.get(b[j]).push(j);
  }
  if (b.length >= 200) {
    const limit = Math.floor(b.length / 100) + 1;
    for (const [ch, indices] of [...b2j]) if (indices.length > limit) b2j.delete(ch);
  }
  let matched = 0;
  const queue = [[0, a.length, 0, b.length]];
  while (queue.length) {
    const [alo, ahi, blo, bhi] = queue.pop();
    const [i, j, k] = longestMatch(a, b, b2j, alo, ahi, blo, bhi);
    if (k === 0) continue;
    matched += k;
    if (alo < i && blo < j) queue.push([alo, i, blo, j]);
    if (i + k < ahi && j + k < bhi) queue.push([i + k, ahi, j + k, bhi]);
  }
  return (2 * matched) / total;
}

// --- Assignment: scipy.optimize.linear_sum_assignment (minimum cost, rectangular) ---

// Returns [[row, col], ...] pairing min(rows, cols) rows and columns at minimum total cost.
export function linearSumAssignment(cost) {
  const rows = cost.length;
  const cols = rows ? cost[0].length : 0;
  if (!rows || !cols) return [];
  const transposed = rows > cols;
  const c = transposed ? cols : rows;  // the shorter side assigns into the longer one
  const r = transposed ? rows : cols;
  const at = transposed ? (i, j) => cost[j][i] : (i, j) => cost[i][j];
  // Hungarian method with potentials (1-based; column 0 is the virtual start).
  const u = new Float64Array(c + 1);
  const v = new Float64Array(r + 1);
  const owner = new Int32Array(r + 1);  // owner[col] = row assigned to it
  const way = new Int32Array(r + 1);
  for (let i = 1; i <= c; i++) {
    owner[0] = i;
    let j0 = 0;
    const minv = new Float64Array(r + 1).fill(Infinity);
    const used = new Uint8Array(r + 1);
    do {
      used[j0] = 1;
      const i0 = owner[j0];
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= r; j++) {
        if (used[j]) continue;
        const cur = at(i0 - 1, j - 1) - u[i0] - v[j];
        if (cur < minv[j]) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          j1 = j;
        }
      }
      for (let j = 0; j <= r; j++) {
        if (used[j]) {
          u[owner[j]] += delta;
          v[j] -= delta;
        } else {
          minv[j] -= delta;
        }
      }
      j0 = j1;
    } while (owner[j0] !== 0);
    do {
      const j1 = way[j0];
      owner[j0] = owner[j1];
      j0 = j1;
    } while (j0);
  }
  const pairs = [];
  for (let j = 1; j <= r; j++) {
    if (!owner[j]) continue;
    pairs.push(transposed ? [j - 1, owner[j] - 1] : [owner[j] - 1, j - 1]);
  }
  return pairs.sort((p, q) => p[0] - q[0]);
}

// --- Colour: sRGB -> CIELAB (D65) and CIEDE2000 (Sharma, Wu, Dalal 2005) ---

export function srgbToLab([r, g, b]) {
  const lin = (c) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  const [lr, lg, lb] = [lin(r), lin(g), lin(b)];
  const x = (0.4124564 * lr + 0.3575761 * lg + 0.1804375 * lb) / 0.95047;
  const y = 0.2126729 * lr + 0.7151522 * lg + 0.072175 * lb;
  const z = (0.0193339 * lr + 0.119192 * lg + 0.9503041 * lb) / 1.08883;
  const f = (t) => (t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 * t + 16) / 116);
  return [116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))];
}

export function ciede2000([l1, a1, b1], [l2, a2, b2]) {
  const rad = Math.PI / 180;
  const c1 = Math.hypot(a1, b1);
  const c2 = Math.hypot(a2, b2);
  const cMean7 = ((c1 + c2) / 2) ** 7;
  const g = 0.5 * (1 - Math.sqrt(cMean7 / (cMean7 + 25 ** 7)));
  const ap1 = (1 + g) * a1;
  const ap2 = (1 + g) * a2;
  const cp1 = Math.hypot(ap1, b1);
  const cp2 = Math.hypot(ap2, b2);
  const hue = (bb, ap) => (bb === 0 && ap === 0 ? 0 : (Math.atan2(bb, ap) / rad + 360) % 360);
  const hp1 = hue(b1, ap1);
  const hp2 = hue(b2, ap2);
  const dL = l2 - l1;
  const dC = cp2 - cp1;
  let dh = 0;
  if (cp1 * cp2 !== 0) {
    dh = hp2 - hp1;
    if (dh > 180) dh -= 360;
    else if (dh < -180) dh += 360;
  }
  const dH = 2 * Math.sqrt(cp1 * cp2) * Math.sin((dh / 2) * rad);
  const lMean = (l1 + l2) / 2;
  const cMean = (cp1 + cp2) / 2;
  let hMean = hp1 + hp2;
  if (cp1 * cp2 !== 0) {
    if (Math.abs(hp1 - hp2) <= 180) hMean /= 2;
    else hMean = hp1 + hp2 < 360 ? (hMean + 360) / 2 : (hMean - 360) / 2;
  }
  const t = 1 - 0.17 * Math.cos((hMean - 30) * rad) + 0.24 * Math.cos(2 * hMean * rad) +
            0.32 * Math.cos((3 * hMean + 6) * rad) - 0.2 * Math.cos((4 * hMean - 63) * rad);
  const dTheta = 30 * Math.exp(-(((hMean - 275) / 25) ** 2));
  const cMean7p = cMean ** 7;
  const rc = 2 * Math.sqrt(cMean7p / (cMean7p + 25 ** 7));
  const sl = 1 + (0.015 * (lMean - 50) ** 2) / Math.sqrt(20 + (lMean - 50) ** 2);
  const sc = 1 + 0.045 * cMean;
  const sh = 1 + 0.015 * cMean * t;
  const rt = -Math.sin(2 * dTheta * rad) * rc;
  return Math.sqrt((dL / sl) ** 2 + (dC / sc) ** 2 + (dH / sh) ** 2 + rt * (dC / sc) * (dH / sh));
}

export function colourSimilarity(rgb1, rgb2) {
  return Math.max(0, 1 - ciede2000(srgbToLab(rgb1), srgbToLab(rgb2)) / 100);
}

// --- Block matching with merges, as the benchmark does it ---
// A block is {text, bbox: [x, y, w, h] relative to the page size (0..1), color: [r, g, b]}.

function mergeTwo(p, q) {
  const x = Math.min(p.bbox[0], q.bbox[0]);
  const y = Math.min(p.bbox[1], q.bbox[1]);
  const right = Math.max(p.bbox[0] + p.bbox[2], q.bbox[0] + q.bbox[2]);
  const bottom = Math.max(p.bbox[1] + p.bbox[3], q.bbox[1] + q.bbox[3]);
  return {
    text: `${p.text} ${q.text}`,
    bbox: [x, y, right - x, bottom - y],
    color: p.color.map((c, k) => Math.floor((c + q.color[k]) / 2)),
  };
}

// Blocks sharing one box are one block (several text nodes of one element).
export function mergeByBox(blocks) {
  const byBox = new Map();
  for (const block of blocks) {
    const key = block.bbox.join(',');
    const seen = byBox.get(key);
    if (seen) {
      seen.text += ` ${block.text}`;
      seen.color = seen.color.map((c, k) => (c + block.color[k]) / 2);
    } else {
      byBox.set(key, { ...block, color: [...block.color] });
    }
  }
  return [...byBox.values()];
}

function costMatrix(a, b) {
  return a.map((p) => b.map((q) => -sequenceRatio(p.text, q.text)));
}

// Rewards a pair whose neighbours (window around it) also match well: consecutive blocks that
// match consecutive blocks are likelier the right pairing.
function adjustForContext(cost, bonus, window) {
  if (window <= 0 || bonus === 0) return cost;
  const n = cost.length;
  const m = n ? cost[0].length : 0;
  const out = cost.map((row) => [...row]);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      if (out[i][j] >= -0.5) continue;
      const near = [];
      for (let y = Math.max(0, i - window); y < Math.min(n, i + window + 1); y++) {
        for (let x = Math.max(0, j - window); x < Math.min(m, j + window + 1); x++) {
          near.push(cost[y][x]);
        }
      }
      near.sort((p, q) => q - p);
      near.splice(near.indexOf(cost[i][j]), 1);
      const best = near.slice(-window * 2);
      out[i][j] += bonus * best.reduce((s, v) => s + v, 0);
    }
  }
  return out;
}

function bestMatching(a, b, bonus, window) {
  const cost = adjustForContext(costMatrix(a, b), bonus, window);
  const pairs = linearSumAssignment(cost);
  return { pairs, costs: pairs.map(([i, j]) => cost[i][j]) };
}

// How much better (lower) the costs got, ignoring costs common to both lists.
function improvement(before, after) {
  const counts = new Map();
  for (const v of before) counts.set(v, (counts.get(v) ?? 0) + 1);
  const onlyAfter = [];
  for (const v of after) {
    const left = counts.get(v) ?? 0;
    if (left > 0) counts.set(v, left - 1);
    else onlyAfter.push(v);
  }
  const onlyBefore = [];
  for (const [v, left] of counts) for (let k = 0; k < left; k++) onlyBefore.push(v);
  const mean = (list) => (list.length ? list.reduce((s, v) => s + v, 0) / list.length : 0);
  const diff = mean(onlyBefore) - mean(onlyAfter);
  if (diff > 0) return Math.min(...onlyBefore) > Math.min(...onlyAfter) ? diff : 0;
  return diff;
}

function mergeListed(blocks, merges) {
  const out = blocks.map((b) => ({ ...b }));
  const drop = new Set();
  let pending = merges;
  while (pending.length) {
    const [i, j] = pending[0];
    out[i] = mergeTwo(out[i], out[j]);
    drop.add(j);
    pending = pending.slice(1).filter(([p, q]) => p !== i && q !== i && p !== j && q !== j);
  }
  return out.filter((_, k) => !drop.has(k));
}

// Merges neighbouring blocks of either side while that makes the matching clearly better (a
// paragraph one page renders as one block and the other as two lines), then matches.
export function matchBlocks(generated, reference, { maxMergeWork = 4e7 } = {}) {
  let a = generated;
  let b = reference;
  for (;;) {
    let changed = false;
    for (const side of ['a', 'b']) {
      const list = side === 'a' ? a : b;
      if (list.length < 2) continue;
      // Each candidate merge re-solves the assignment: skip the search on huge pages.
      if (list.length * a.length * b.length * Math.min(a.length, b.length) > maxMergeWork) continue;
      const current = bestMatching(a, b, 0, 1).costs;
      const merges = [];
      for (let i = 0; i + 1 < list.length; i++) {
        const trial = [...list.slice(0, i), mergeTwo(list[i], list[i + 1]), ...list.slice(i + 2)];
        const costs = side === 'a' ? bestMatching(trial, b, 0, 1).costs
                                   : bestMatching(a, trial, 0, 1).costs;
        const gain = improvement(current, costs);
        if (gain > 0.05) merges.push([i, i + 1, gain]);
      }
      if (!merges.length) continue;
      merges.sort((p, q) => q[2] - p[2]);
      if (side === 'a') a = mergeListed(a, merges);
      else b = mergeListed(b, merges);
      changed = true;
    }
    if (!changed) break;
  }
  const { pairs } = bestMatching(a, b, 0.1, 1);
  return { generated: a, reference: b, pairs };
}

const area = (block) => block.bbox[2] * block.bbox[3];
const centre = (block) => [block.bbox[0] + block.bbox[2] / 2, block.bbox[1] + block.bbox[3] / 2];

// Scores one generated page against its reference; each score in 0..1.
export function scoreBlocks(generatedBlocks, referenceBlocks) {
  const zero = { block: 0, text: 0, position: 0, color: 0, matched: 0, imperfect: [] };
  if (!generatedBlocks.length || !referenceBlocks.length) return zero;
  const { generated, reference, pairs } =
      matchBlocks(mergeByBox(generatedBlocks), mergeByBox(referenceBlocks));
  const kept = [];
  for (const [i, j] of pairs) {
    const similarity = sequenceRatio(generated[i].text, reference[j].text);
    if (similarity >= 0.5) kept.push([i, j, similarity]);
  }
  if (!kept.length) return zero;
  const usedG = new Set(kept.map(([i]) => i));
  const usedR = new Set(kept.map(([, j]) => j));
  let total = 0;
  let matchedArea = 0;
  for (let i = 0; i < generated.length; i++) if (!usedG.has(i)) total += area(generated[i]);
  for (let j = 0; j < reference.length; j++) if (!usedR.has(j)) total += area(reference[j]);
  const text = [];
  const position = [];
  const color = [];
  for (const [i, j, similarity] of kept) {
    const pairArea = area(generated[i]) + area(reference[j]);
    total += pairArea;
    matchedArea += pairArea;
    text.push(similarity);
    const [gx, gy] = centre(generated[i]);
    const [rx, ry] = centre(reference[j]);
    position.push(1 - Math.max(Math.abs(gx - rx), Math.abs(gy - ry)));
    color.push(colourSimilarity(generated[i].color, reference[j].color));
  }
  const mean = (list) => list.reduce((s, v) => s + v, 0) / list.length;
  return {
    block: total > 0 ? matchedArea / total : 0,
    text: mean(text),
    position: mean(position),
    color: mean(color),
    matched: kept.length,
    // The matched texts that differ, for finding where text similarity is lost.
    imperfect: kept.filter(([, , s]) => s < 1).map(([i, j, s]) => ({
      generated: generated[i].text, reference: reference[j].text, similarity: s,
    })),
  };
}

// --- SSIM (Wang et al. 2004) of two grey images of equal size, 11x11 Gaussian window ---
// An image is {width, height, data: Float64Array of luminance 0..255}.

function gaussianKernel(size = 11, sigma = 1.5) {
  const half = (size - 1) / 2;
  const k = Array.from({ length: size }, (_, i) => Math.exp(-((i - half) ** 2) / (2 * sigma ** 2)));
  const sum = k.reduce((s, v) => s + v, 0);
  return k.map((v) => v / sum);
}

function blur(img, kernel) {
  const { width, height, data } = img;
  const half = (kernel.length - 1) / 2;
  const tmp = new Float64Array(width * height);
  const out = new Float64Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let s = 0;
      for (let k = 0; k < kernel.length; k++) {
        const xx = Math.min(width - 1, Math.max(0, x + k - half));
        s += kernel[k] * data[y * width + xx];
      }
      tmp[y * width + x] = s;
    }
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let s = 0;
      for (let k = 0; k < kernel.length; k++) {
        const yy = Math.min(height - 1, Math.max(0, y + k - half));
        s += kernel[k] * tmp[yy * width + x];
      }
      out[y * width + x] = s;
    }
  }
  return { width, height, data: out };
}

export function ssim(a, b) {
  if (a.width !== b.width || a.height !== b.height) throw new Error('ssim: sizes differ');
  const kernel = gaussianKernel();
  const n = a.width * a.height;
  const product = (p, q) => ({ width: a.width, height: a.height,
                               data: p.data.map((v, i) => v * q.data[i]) });
  const mu1 = blur(a, kernel).data;
  const mu2 = blur(b, kernel).data;
  const s11 = blur(product(a, a), kernel).data;
  const s22 = blur(product(b, b), kernel).data;
  const s12 = blur(product(a, b), kernel).data;
  const c1 = (0.01 * 255) ** 2;
  const c2 = (0.03 * 255) ** 2;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v1 = s11[i] - mu1[i] ** 2;
    const v2 = s22[i] - mu2[i] ** 2;
    const cov = s12[i] - mu1[i] * mu2[i];
    sum += ((2 * mu1[i] * mu2[i] + c1) * (2 * cov + c2)) /
           ((mu1[i] ** 2 + mu2[i] ** 2 + c1) * (v1 + v2 + c2));
  }
  return sum / n;
}
