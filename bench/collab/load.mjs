// Collaboration load bench: N rooms x M clients x an update rate, against opendesign and, on the
// same workload, the reference servers @y/websocket-server and @hocuspocus/server (npm). Reports
// the server's RSS (empty, with every room open and holding a document, peak), memory per open
// room, CPU during the load, and p50/p99 delivery latency (send -> arrival at the other clients).
//
//   npm ci --prefix tests && npm ci --prefix bench/collab
//   node bench/collab/load.mjs [--server opendesign|y-websocket|hocuspocus|all] [--rooms 1000]
//        [--clients 2] [--rate 1000] [--seconds 20] [--binary build/opendesign] [--drivers 2]
//
// opendesign runs on SQLite in a temporary data directory, storing every update durably before
// relaying it; the reference servers keep their documents in memory only (no persistence
// configured), which favours them.
import { fork, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');

function parseArgs(argv) {
  const args = { server: 'all', rooms: 1000, clients: 2, rate: 1000, seconds: 20,
                 binary: join(root, 'build/opendesign'), drivers: 2, concurrency: 128 };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i].replace(/^--/, '');
    if (!(key in args)) throw new Error(`unknown option ${argv[i]}`);
    const value = argv[++i];
    args[key] = typeof args[key] === 'number' ? Number(value) : value;
  }
  return args;
}

const freePort = () => new Promise((done) => {
  const probe = createServer().listen(0, '127.0.0.1', () => {
    const { port } = probe.address();
    probe.close(() => done(port));
  });
});

// Resident and peak resident memory of a process, in MiB.
function memory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name) => Number(status.match(new RegExp(`${name}:\\s+(\\d+)`))[1]) / 1024;
  return { rss: field('VmRSS'), peak: field('VmHWM') };
}

// CPU seconds (user + system) a process has used.
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;  // utime, stime in USER_HZ (100)
}

function waitForLine(child, pattern, what) {
  return new Promise((done, fail) => {
    let buffer = '';
    const onData = (chunk) => {
      buffer += chunk;
      if (pattern.test(buffer)) done();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => fail(new Error(`${what} exited (${code}): ${buffer.slice(-500)}`)));
  });
}

// Starts one server; returns {pid, rooms: [{name, url}], stop}.
async function startServer(kind, args) {
  const port = await freePort();
  if (kind === 'y-websocket' || kind === 'hocuspocus') {
    const script = kind === 'y-websocket'
        ? join(here, 'node_modules/@y/websocket-server/src/server.js')
        : join(here, 'hocuspocus-server.mjs');
    const child = spawn(process.execPath, [script, String(port)],
                        { env: { ...process.env, HOST: '127.0.0.1', PORT: String(port) },
                          stdio: ['ignore', 'pipe', 'pipe'] });
    await waitForLine(child, /running at|listening/, kind);
    const rooms = Array.from({ length: args.rooms }, (_, k) => ({
      name: `room-${k}`, url: `ws://127.0.0.1:${port}/room-${k}` }));
    return { pid: child.pid, rooms, stop: () => child.kill('SIGKILL') };
  }
  process.env.OD_BINARY ??= args.binary;
  const { startServer: startOpendesign, newUser } =
      await import('../../tests/integration/harness.mjs');
  // One bench user holds every connection: lift the per-user room limit (default 50) to fit.
  const server = await startOpendesign({
    rateLimits: 'ip=100000000,login=100000',
    args: ['--collab-max-rooms-per-user', String(Math.min(100000, args.rooms * args.clients))],
  });
  const user = await newUser(server, 'bench');
  const rooms = [];
  const queue = Array.from({ length: args.rooms }, (_, k) => k);
  const worker = async () => {
    for (let k = queue.shift(); k !== undefined; k = queue.shift()) {
      const res = await server.api('POST', '/api/v1/projects',
                                   { token: user.access, json: { title: `Room ${k}` } });
      if (res.status !== 201) throw new Error(`project ${k}: ${res.status} ${res.body}`);
      const id = res.json.id ?? res.json.project?.id;
      rooms.push({ name: `project/${id}/design`,
                   url: `${server.url.replace('http', 'ws')}/collab/project/${id}/design?token=${user.access}` });
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  server.logs.length = 0;
  return { pid: server.child.pid, rooms,
           stop: async () => { await server.stop(); server.cleanup(); } };
}

// Each phase has a deadline: a server that stops answering fails the run with the phase's name
// instead of hanging it.
const kPhaseDeadlineMs = 10 * 60 * 1000;

function ask(drivers, message, reply) {
  return Promise.all(drivers.map((driver, k) => new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`no '${reply}' from driver ${k} within ` +
                                                  `${kPhaseDeadlineMs / 1000} s`)),
                             kPhaseDeadlineMs);
    const onMessage = (m) => {
      if (m.cmd === 'error') {
        clearTimeout(timer);
        fail(new Error(m.error));
      } else if (m.cmd === reply) {
        clearTimeout(timer);
        driver.off('message', onMessage);
        done(m);
      }
    };
    driver.on('message', onMessage);
    driver.send(typeof message === 'function' ? message(k) : message);
  })));
}

const percentile = (sorted, p) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN;

async function run(kind, args) {
  const server = await startServer(kind, args);
  const drivers = Array.from({ length: args.drivers }, () =>
      fork(join(here, 'driver.mjs'), [], { serialization: 'advanced' }));
  try {
    const empty = memory(server.pid);
    const share = (k) => server.rooms.filter((_, i) => i % args.drivers === k);
    const protocol = kind === 'hocuspocus' ? 'hocuspocus' : 'y-websocket';
    const started = Date.now();
    const connected = await ask(drivers, (k) => ({
      cmd: 'connect', rooms: share(k), clientsPerRoom: args.clients, protocol,
      concurrency: Math.ceil(args.concurrency / args.drivers) }), 'connected');
    const connectSeconds = (Date.now() - started) / 1000;
    const failures = connected.reduce((s, m) => s + m.failures, 0);
    const seeded = await ask(drivers, { cmd: 'seed' }, 'seeded');
    await new Promise((r) => setTimeout(r, 2000));  // a measurement choice: let allocations settle
    const open = memory(server.pid);
    const cpuBefore = cpuSeconds(server.pid);
    const loadStart = Date.now();
    const loaded = await ask(drivers, { cmd: 'load', rate: args.rate / args.drivers,
                                        seconds: args.seconds }, 'loaded');
    const cpu = (cpuSeconds(server.pid) - cpuBefore) / ((Date.now() - loadStart) / 1000);
    const after = memory(server.pid);
    const all = Float64Array.from(loaded.flatMap((m) => [...m.latencies])).sort();
    const updates = loaded.reduce((s, m) => s + m.updates, 0);
    return {
      server: kind,
      rooms: args.rooms,
      clients: args.rooms * args.clients,
      connectFailures: failures,
      firstError: connected.find((m) => m.firstError)?.firstError ?? '',
      connectSeconds,
      unseeded: seeded.reduce((s, m) => s + m.unseeded, 0),
      rssEmptyMiB: empty.rss,
      rssOpenMiB: open.rss,
      kibPerRoom: ((open.rss - empty.rss) * 1024) / args.rooms,
      updatesPerSecond: updates / args.seconds,
      deliveries: all.length,
      lost: loaded.reduce((s, m) => s + m.lost, 0),
      p50Ms: percentile(all, 50),
      p99Ms: percentile(all, 99),
      cpuPercent: 100 * cpu,
      rssAfterLoadMiB: after.rss,
      peakRssMiB: after.peak,
    };
  } finally {
    await Promise.all(drivers.map((driver) => new Promise((done) => {
      driver.once('exit', done);
      driver.send({ cmd: 'close' });
    })));
    await server.stop();
  }
}

const args = parseArgs(process.argv.slice(2));
if (!existsSync(join(here, 'node_modules'))) {
  console.error('run `npm ci --prefix bench/collab` first (the clients and the reference servers)');
  process.exit(1);
}
const kinds = args.server === 'all' ? ['opendesign', 'y-websocket', 'hocuspocus'] : [args.server];
const results = [];
for (const kind of kinds) {
  const result = await run(kind, args);
  results.push(result);
  console.log(JSON.stringify(result));
}
const row = (r) => [r.server.padEnd(12), String(r.rooms).padStart(6), String(r.clients).padStart(7),
                    r.rssEmptyMiB.toFixed(1).padStart(8), r.rssOpenMiB.toFixed(1).padStart(8),
                    r.kibPerRoom.toFixed(2).padStart(8), r.updatesPerSecond.toFixed(0).padStart(7),
                    r.p50Ms.toFixed(2).padStart(7), r.p99Ms.toFixed(2).padStart(7),
                    r.cpuPercent.toFixed(0).padStart(5), r.peakRssMiB.toFixed(1).padStart(8),
                    String(r.lost + r.connectFailures).padStart(5)].join(' ');
console.log(['server'.padEnd(12), ' rooms', 'clients', 'RSS0 MiB', 'RSSo MiB', 'KiB/room',
             'upd/s', 'p50 ms', 'p99 ms', 'CPU%', 'peak MiB', 'lost'].join(' '));
for (const r of results) console.log(row(r));
process.exit(0);
