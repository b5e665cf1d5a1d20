// Server memory and CPU while a large project (default 200 MiB of assets) is exported as a ZIP,
// imported back, and exported again as the owner's GDPR ZIP, through the real binary:
//   - the server's RSS before each step and its peak (VmHWM, reset through /proc/PID/clear_refs
//     before each step, so each peak is that step's own),
//   - its CPU time (utime + stime from /proc/PID/stat) and the wall time of each step,
//   - that the bytes are whole (the archive's SHA-256 matches what unzip extracts).
// Usage: OD_BINARY=build/opendesign node bench/archive_memory.mjs [total MiB] [MiB per asset]
// Runs on SQLite and local disk in a temp dir; needs `unzip` (Debian package).
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, readFileSync, writeFileSync, mkdtempSync, rmSync,
         statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { startServer, newUser } from '../tests/integration/harness.mjs';

const totalMiB = Number(process.argv[2] || 200);
const assetMiB = Number(process.argv[3] || 50);
const MiB = 1024 * 1024;
const work = mkdtempSync(join(tmpdir(), 'od-bench-archive-'));

const server = await startServer({
  args: ['--max-upload-mb', String(Math.max(assetMiB, 100)), '--user-quota-mb', '100000',
        ],
  rateLimits: 'ip=100000000,login=100000000,upload=100000',
});
const pid = server.child.pid;
const status = (field) =>
  Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
const cpuSeconds = () => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;  // utime + stime, in clock ticks
};
const rows = [];
async function measure(step, run) {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');  // VmHWM := VmRSS
  const rss = status('VmRSS');
  const cpu = cpuSeconds();
  const started = Date.now();
  const bytes = await run();
  const seconds = (Date.now() - started) / 1000;
  rows.push({ step, 'RSS before MiB': rss.toFixed(1), 'peak RSS MiB': status('VmHWM').toFixed(1),
              'peak - before MiB': (status('VmHWM') - rss).toFixed(1),
              'server CPU s': (cpuSeconds() - cpu).toFixed(2), 'wall s': seconds.toFixed(1),
              'MiB': (bytes / MiB).toFixed(1), 'MiB/s': (bytes / MiB / seconds).toFixed(1) });
}

async function download(path, token, file) {
  const res = await fetch(server.url + path, { headers: { authorization: `Bearer ${token}` } });
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  await pipeline(Readable.fromWeb(res.body), createWriteStream(file));
  return statSync(file).size;
}

try {
  const me = await newUser(server, 'bench');
  const project = await server.api('POST', '/api/v1/projects',
                                   { token: me.access, json: { title: 'Big', designJson: { a: 1 } } });
  const hashes = [];
  await measure(`upload ${totalMiB / assetMiB} x ${assetMiB} MiB`, async () => {
    for (let i = 0; i < totalMiB / assetMiB; ++i) {
      // An MP4 header and noise: accepted by sniffing, incompressible like real media.
      const bytes = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom'),
                                   Buffer.alloc(12), randomBytes(assetMiB * MiB - 24)]);
      hashes.push(createHash('sha256').update(bytes).digest('hex'));
      const res = await server.api('POST', `/api/v1/assets?projectId=${project.json.id}&filename=clip${i}.mp4`,
                                   { token: me.access, body: bytes, headers: { 'content-type': 'video/mp4' } });
      if (res.status !== 201) throw new Error(res.body);
    }
    return totalMiB * MiB;
  });
  const zipFile = join(work, 'export.zip');
  await measure('export (streamed ZIP)', () =>
    download(`/api/v1/projects/${project.json.id}/export`, me.access, zipFile));
  execFileSync('unzip', ['-q', zipFile, '-d', join(work, 'x')]);
  const manifest = JSON.parse(readFileSync(join(work, 'x', 'manifest.json'), 'utf8'));
  const extracted = manifest.assets.map((a) =>
    createHash('sha256').update(readFileSync(join(work, 'x', a.path))).digest('hex'));
  if (extracted.sort().join() !== [...hashes].sort().join()) throw new Error('export bytes differ');

  await measure('import (staged to disk)', async () => {
    const size = statSync(zipFile).size;
    const res = await fetch(`${server.url}/api/v1/projects/import`, {
      method: 'POST', duplex: 'half', body: Readable.toWeb(createReadStream(zipFile)),
      headers: { authorization: `Bearer ${me.access}`, 'content-type': 'application/zip',
                 'content-length': String(size) } });
    if (res.status !== 201) throw new Error(`import: ${res.status} ${await res.text()}`);
    return size;
  });
  await measure('GDPR export (?format=zip)', () =>
    download('/api/v1/me/export?format=zip', me.access, join(work, 'gdpr.zip')));
  console.log(`archive bench: ${totalMiB} MiB of assets in ${assetMiB} MiB files, SQLite, local disk`);
  console.table(rows);
} finally {
  await server.stop();
  server.cleanup();
  rmSync(work, { recursive: true, force: true });
}
