// Renders a page in headless Chromium and finds its text blocks the way the Design2Code
// benchmark does, by recolouring: every text-bearing element gets a unique colour, the page is
// shot twice with all those colours shifted by 50, and the pixels that moved by exactly that
// shift are text pixels, each naming its element by colour. A block is one element's text: its
// words, the box of its text pixels, and their average colour in the untouched render.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { PNG } from 'pngjs';

export const pageWidth = 1280;
export const maxPageHeight = 16384;

// The elements the benchmark recolours; text in other elements belongs to the nearest of these.
const colouredTags = ['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'div', 'span', 'a', 'b', 'li',
                      'table', 'td', 'th', 'button', 'footer', 'header'];
const poolValues = Array.from({ length: 16 }, (_, k) => 10 + 16 * k);  // 16^3 distinct colours
const shift = 50;

export async function openBrowser() {
  const profile = mkdtempSync(join(tmpdir(), 'od-image2code-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    reducedMotion: 'reduce',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync',
           '--hide-scrollbars', '--force-color-profile=srgb'],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

// Opens a local page with every non-file request refused, settled: loaded, fonts ready,
// animations and transitions off, the caret hidden.
async function openPage(browser, url) {
  const tab = await browser.context.newPage();
  await tab.route('**/*', (route) =>
    route.request().url().startsWith('file:') || route.request().url().startsWith('data:')
        ? route.continue() : route.abort());
  await tab.setViewportSize({ width: pageWidth, height: 800 });
  await tab.goto(url, { waitUntil: 'load', timeout: 30000 });
  await tab.addStyleTag({ content: '*,*::before,*::after{animation:none!important;' +
                                   'transition:none!important;caret-color:transparent!important}' });
  await tab.evaluate(() => document.fonts.ready);
  await tab.evaluate(() => new Promise((done) => requestAnimationFrame(() => done())));
  return tab;
}

async function shoot(tab) {
  const height = await tab.evaluate(
      () => Math.max(document.documentElement.scrollHeight, document.body?.scrollHeight ?? 0));
  const clip = { x: 0, y: 0, width: pageWidth, height: Math.min(Math.max(height, 1), maxPageHeight) };
  return PNG.sync.read(await tab.screenshot({ fullPage: true, clip, animations: 'disabled' }));
}

// Gives element k of the coloured tags colour k of the pool (shifted by `offset`), and returns
// the text of each element (its own text nodes, not those of coloured descendants).
async function recolour(tab, offset) {
  return tab.evaluate(({ tags, pool, offset }) => {
    const tagSet = new Set(tags);
    const elements = [...document.body.querySelectorAll(tags.join(','))]
                         .slice(0, pool.length ** 3);
    const index = new Map(elements.map((el, k) => [el, k]));
    elements.forEach((el, k) => {
      const r = pool[Math.floor(k / (pool.length * pool.length))];
      const g = pool[Math.floor(k / pool.length) % pool.length];
      const b = pool[k % pool.length];
      const c = [r, g, b].map((v) => (v + offset) % 256);
      el.style.setProperty('color', `rgb(${c[0]}, ${c[1]}, ${c[2]})`, 'important');
      el.style.setProperty('opacity', '1', 'important');
    });
    const texts = elements.map(() => []);
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent.trim();
      if (!text) continue;
      let owner = node.parentElement;
      if (owner.closest('script,style,noscript,template')) continue;
      while (owner && !(tagSet.has(owner.localName) && index.has(owner))) owner = owner.parentElement;
      if (owner) texts[index.get(owner)].push(text.replace(/\s+/g, ' '));
    }
    return texts.map((list) => list.join(' '));
  }, { tags: colouredTags, pool: poolValues, offset });
}

const poolIndex = (v) => {
  const k = Math.round((v - 10) / 16);
  return k >= 0 && k < 16 && Math.abs(v - (10 + 16 * k)) <= 4 ? k : -1;
};

// Text blocks from the untouched render and the two recoloured ones (all the same size).
function blocksFromShots(plain, base, shifted, texts) {
  const { width, height } = base;
  const boxes = new Map();  // element index -> {x0, y0, x1, y1, r, g, b, n}
  const near = (p, q) => Math.abs(p - q) <= 8;
  for (let i = 0, p = 0; p < width * height; p++, i += 4) {
    const [r, g, b] = [base.data[i], base.data[i + 1], base.data[i + 2]];
    if (!near((r + shift) % 256, shifted.data[i]) || !near((g + shift) % 256, shifted.data[i + 1]) ||
        !near((b + shift) % 256, shifted.data[i + 2])) continue;
    const [kr, kg, kb] = [poolIndex(r), poolIndex(g), poolIndex(b)];
    if (kr < 0 || kg < 0 || kb < 0) continue;
    const element = kr * 256 + kg * 16 + kb;
    if (element >= texts.length || !texts[element]) continue;
    const x = p % width;
    const y = (p - x) / width;
    let box = boxes.get(element);
    if (!box) boxes.set(element, box = { x0: x, y0: y, x1: x, y1: y, r: 0, g: 0, b: 0, n: 0 });
    box.x0 = Math.min(box.x0, x);
    box.x1 = Math.max(box.x1, x);
    box.y0 = Math.min(box.y0, y);
    box.y1 = Math.max(box.y1, y);
    box.r += plain.data[i];
    box.g += plain.data[i + 1];
    box.b += plain.data[i + 2];
    box.n++;
  }
  return [...boxes].sort((p, q) => p[0] - q[0]).map(([element, box]) => ({
    text: texts[element],
    bbox: [box.x0 / width, box.y0 / height, (box.x1 - box.x0 + 1) / width,
           (box.y1 - box.y0 + 1) / height],
    color: [box.r, box.g, box.b].map((s) => Math.floor(s / box.n)),
  }));
}

export const encodePng = (image) => PNG.sync.write(image);

// Renders `url` (a file: URL) and returns {image: the PNG as rendered, blocks}.
export async function renderWithBlocks(browser, url) {
  const tab = await openPage(browser, url);
  try {
    const plain = await shoot(tab);
    const texts = await recolour(tab, 0);
    const base = await shoot(tab);
    await recolour(tab, shift);
    const shifted = await shoot(tab);
    if (base.width !== shifted.width || base.height !== shifted.height ||
        plain.height !== base.height) {
      throw new Error(`${url}: recolouring changed the page size`);
    }
    return { image: plain, blocks: blocksFromShots(plain, base, shifted, texts) };
  } finally {
    await tab.close();
  }
}

// The render as the SSIM comparison sees it: text blocks filled with the colour around them
// (the benchmark inpaints them before CLIP, so the score is about layout and imagery), squashed
// to a size x size grey image by area averaging.
export function layoutImage(png, blocks, size = 256) {
  const { width, height, data } = png;
  const grey = new Float64Array(width * height);
  for (let p = 0, i = 0; p < grey.length; p++, i += 4) {
    grey[p] = 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2];
  }
  for (const { bbox } of blocks) {
    const x0 = Math.floor(bbox[0] * width);
    const y0 = Math.floor(bbox[1] * height);
    const x1 = Math.min(width - 1, Math.ceil((bbox[0] + bbox[2]) * width));
    const y1 = Math.min(height - 1, Math.ceil((bbox[1] + bbox[3]) * height));
    let sum = 0;
    let n = 0;
    const edge = (x, y) => {
      if (x >= 0 && y >= 0 && x < width && y < height) { sum += grey[y * width + x]; n++; }
    };
    for (let x = x0 - 1; x <= x1 + 1; x++) { edge(x, y0 - 1); edge(x, y1 + 1); }
    for (let y = y0; y <= y1; y++) { edge(x0 - 1, y); edge(x1 + 1, y); }
    const fill = n ? sum / n : 255;
    for (let y = Math.max(0, y0); y <= y1; y++) grey.fill(fill, y * width + Math.max(0, x0), y * width + x1 + 1);
  }
  const out = new Float64Array(size * size);
  for (let oy = 0; oy < size; oy++) {
    const ya = Math.floor((oy * height) / size);
    const yb = Math.max(ya + 1, Math.floor(((oy + 1) * height) / size));
    for (let ox = 0; ox < size; ox++) {
      const xa = Math.floor((ox * width) / size);
      const xb = Math.max(xa + 1, Math.floor(((ox + 1) * width) / size));
      let sum = 0;
      for (let y = ya; y < yb; y++) for (let x = xa; x < xb; x++) sum += grey[y * width + x];
      out[oy * size + ox] = sum / ((yb - ya) * (xb - xa));
    }
  }
  return { width: size, height: size, data: out };
}
