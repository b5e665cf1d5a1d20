// Scores the screenshot-to-code engine on the development set (devset.json) with the Design2Code
// metrics: each page is rendered in headless Chromium at 1280 px wide, its screenshot goes through
// `opendesign image2code --target html`, the generated page is rendered the same way, and the two
// renders are compared (tests/image2code/metrics.mjs). Prints one row per page and the means.
//
//   npm ci --prefix bench/image2code            # the public templates of the set, once
//   node bench/image2code/evaluate.mjs [--binary build/opendesign] [--only <id part>]
//        [--limit N] [--keep <dir>] [--json <file>] [--baseline tesseract]
//
// --baseline tesseract scores plain Tesseract words placed absolutely in black instead of the
// engine (needs the `tesseract` command): the floor the issue quotes, and a check of the tool.
// --json writes the summary and one row per page; a row's `imperfect` lists the matched pairs
// whose texts differ (reference, generated, similarity), where text similarity is lost.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { scoreBlocks, ssim } from '../../tests/image2code/metrics.mjs';
import {
  encodePng, layoutImage, openBrowser, renderWithBlocks,
} from '../../tests/image2code/render.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');

function parseArgs(argv) {
  const args = { binary: join(root, 'build/opendesign'), only: '', limit: Infinity, keep: '',
                 json: '', baseline: '' };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i].replace(/^--/, '');
    if (!(key in args)) throw new Error(`unknown option ${argv[i]}`);
    args[key] = key === 'limit' ? Number(argv[++i]) : argv[++i];
  }
  return args;
}

// Runs the engine on a screenshot under /usr/bin/time; returns its wall seconds and peak RSS.
function runEngine(binary, png, outDir) {
  const run = spawnSync('/usr/bin/time', ['-f', 'OD_TIME %e %M', binary, 'image2code', png,
                                          '--target', 'html', '-o', outDir],
                        { encoding: 'utf8', timeout: 120000 });
  const line = (run.stderr || '').split('\n').find((l) => l.startsWith('OD_TIME')) ?? '';
  const [, seconds, kib] = line.split(' ');
  if (run.status !== 0) {
    throw new Error(`engine failed (${run.status ?? run.signal}): ${run.stderr.slice(-400)}`);
  }
  return { seconds: Number(seconds), peakMiB: Number(kib) / 1024 };
}

// The baseline the issue quotes: every word Tesseract finds, in black, at its box.
function runTesseractBaseline(png, outDir, height) {
  const started = process.hrtime.bigint();
  const tsv = execFileSync('tesseract', [png, '-', 'tsv'], { encoding: 'utf8',
                                                            stdio: ['ignore', 'pipe', 'ignore'] });
  const words = tsv.split('\n').slice(1).map((l) => l.split('\t'))
                    .filter((c) => c[0] === '5' && c[11]?.trim());
  const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const spans = words.map((c) => `<span style="position:absolute;left:${c[6]}px;top:${c[7]}px;` +
                                 `font:${c[9]}px/1 sans-serif;color:#000">${esc(c[11])}</span>`);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'index.html'),
                `<!doctype html><html><body style="margin:0"><div style="position:relative;` +
                `width:1280px;height:${height}px">${spans.join('\n')}</div></body></html>`);
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, peakMiB: NaN };
}

const metrics = ['block', 'text', 'position', 'color', 'ssim'];
const pct = (v) => (Number.isFinite(v) ? (100 * v).toFixed(1).padStart(6) : '     -');

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const devset = JSON.parse(readFileSync(join(here, 'devset.json'), 'utf8'));
  const pages = devset.pages.filter((p) => p.id.includes(args.only)).slice(0, args.limit);
  if (!existsSync(join(here, 'node_modules')) && pages.some((p) => p.file.startsWith('node_'))) {
    throw new Error('run `npm ci --prefix bench/image2code` first (the set\'s templates)');
  }
  if (!args.baseline && !existsSync(args.binary)) throw new Error(`no binary at ${args.binary}`);
  const work = args.keep ? resolve(args.keep) : mkdtempSync(join(tmpdir(), 'od-image2code-eval-'));
  const browser = await openBrowser();
  const rows = [];
  console.log(`${'page'.padEnd(40)} ${metrics.map((m) => m.padStart(6)).join(' ')}   time   peak`);
  try {
    for (const page of pages) {
      const dir = join(work, page.id);
      mkdirSync(dir, { recursive: true });
      const row = { id: page.id };
      try {
        const reference = await renderWithBlocks(browser, pathToFileURL(join(here, page.file)).href);
        const shot = join(dir, 'reference.png');
        writeFileSync(shot, encodePng(reference.image));
        const out = join(dir, 'generated');
        rmSync(out, { recursive: true, force: true });
        Object.assign(row, args.baseline === 'tesseract'
                               ? runTesseractBaseline(shot, out, reference.image.height)
                               : runEngine(args.binary, shot, out));
        const generated = await renderWithBlocks(browser, pathToFileURL(join(out, 'index.html')).href);
        Object.assign(row, scoreBlocks(generated.blocks, reference.blocks));
        row.ssim = ssim(layoutImage(generated.image, generated.blocks),
                        layoutImage(reference.image, reference.blocks));
        row.referenceBlocks = reference.blocks.length;
        row.generatedBlocks = generated.blocks.length;
      } catch (error) {
        // A page the engine fails on scores zero everywhere: failures must not flatter the mean.
        Object.assign(row, { block: 0, text: 0, position: 0, color: 0, ssim: 0,
                             error: String(error.message || error).slice(0, 300) });
      }
      rows.push(row);
      console.log(`${page.id.padEnd(40)} ${metrics.map((m) => pct(row[m])).join(' ')} ` +
                  `${(row.seconds ?? NaN).toFixed(2).padStart(6)} ` +
                  `${(row.peakMiB ?? NaN).toFixed(0).padStart(6)}${row.error ? `  ERROR ${row.error}` : ''}`);
    }
  } finally {
    await browser.close();
    if (!args.keep) rmSync(work, { recursive: true, force: true });
  }
  const mean = (m) => rows.reduce((s, r) => s + (r[m] ?? 0), 0) / Math.max(1, rows.length);
  const timed = rows.filter((r) => Number.isFinite(r.seconds));
  const summary = {
    pages: rows.length,
    failed: rows.filter((r) => r.error).length,
    means: Object.fromEntries(metrics.map((m) => [m, mean(m)])),
    maxSeconds: Math.max(0, ...timed.map((r) => r.seconds)),
    maxPeakMiB: Math.max(0, ...timed.map((r) => r.peakMiB).filter(Number.isFinite)),
  };
  console.log(`${'MEAN'.padEnd(40)} ${metrics.map((m) => pct(summary.means[m])).join(' ')}`);
  console.log(`${summary.pages} pages, ${summary.failed} failed; slowest ${summary.maxSeconds.toFixed(2)} s,` +
              ` largest peak RSS ${summary.maxPeakMiB.toFixed(0)} MiB`);
  if (args.json) writeFileSync(args.json, JSON.stringify({ summary, rows }, null, 1));
}

main().catch((error) => {
  console.error(error.message || error);
  process.exit(1);
});
