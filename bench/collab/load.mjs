// Collaboration load bench: N rooms x M clients x an update rate, against opendesign and, on the
// same workload, the reference servers @y/websocket-server and @hocuspocus/server (npm). Reports
// the server's RSS (empty, with every room open and holding a document, peak), memory per open
// room, CPU during the load, and p50/p99 delivery latency (send -> arrival at the other clients).
//
//   npm ci --prefix tests && npm ci --prefix bench/collab
//   node bench/collab/load.mjs [--server opendesign|y-websocket|hocuspocus|all] [--rooms 1000]
//        [--clients 2] [--rate 1000] [--seconds 20] [--binary build/opendesign] [--drivers 2]
//        [--instances 1] [--redis redis://127.0.0.1:6379] [--max-connections 10000]
//        [--doc-nodes 0]
//
// --doc-nodes N seeds every room with a small project's document instead of one marker: N canvas
// nodes (a Y.Map of Y.Maps) and a code Y.Text edited in N bursts (see driver.mjs).
//
// --instances 2 (opendesign only) starts two servers on one PostgreSQL database
// (OD_TEST_POSTGRES_URL) sharing --redis; client k of every room connects to instance k % 2, so
// each instance holds one client of every room, and memory and CPU are the sum over both.
//
// opendesign runs on SQLite in a temporary data directory, storing every update durably before
// relaying it; the reference servers keep their documents in memory only (no persistence
// configured), which favours them.
import { fork, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');

function parseArgs(argv) {
  const args = { server: 'all', rooms: 1000, clients: 2, rate: 1000, seconds: 20,
                 binary: join(root, 'build/opendesign'), drivers: 2, concurrency: 128,
                 instances: 1, redis: '', 'max-connections': 10000, 'doc-nodes': 0 };
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

// Resident and peak resident memory of the server processes (summed), in MiB.
function memory(pids) {
  let rss = 0;
  let peak = 0;
  for (const pid of pids) {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name) => Number(status.match(new RegExp(`${name}:\\s+(\\d+)`))[1]) / 1024;
    rss += field('VmRSS');
    peak += field('VmHWM');
  }
  return { rss, peak };
}

// CPU seconds (user + system) the server processes have used.
function cpuSeconds(pids) {
  let total = 0;
  for (const pid of pids) {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    total += (Number(fields[11]) + Number(fields[12])) / 100;  // utime, stime in USER_HZ (100)
  }
  return total;
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
    return { pids: [child.pid], rooms, stop: () => child.kill('SIGKILL') };
  }
  process.env.OD_BINARY ??= args.binary;
  const { startServer: startOpendesign, newUser, freshPostgresDatabase } =
      await import('../../tests/integration/harness.mjs');
  // One bench user holds every connection: lift the per-user room limit (default 50) to fit.
  const serverArgs = ['--collab-max-rooms-per-user',
                      String(Math.min(100000, args.rooms * args.clients)),
                      '--max-connections', String(args['max-connections'])];
  const shared = {};
  if (args.instances > 1) {
    if (!args.redis) throw new Error('--instances needs --redis');
    shared.dataDir = mkdtempSync(join(tmpdir(), 'od-bench-'));  // one signing secret
    shared.database = freshPostgresDatabase();  // needs OD_TEST_POSTGRES_URL
  }
  if (args.redis) serverArgs.push('--redis', args.redis);
  const servers = [];
  for (let i = 0; i < args.instances; i++) {
    servers.push(await startOpendesign({ ...shared, rateLimits: 'ip=100000000,login=100000',
                                         args: serverArgs }));
  }
  const server = servers[0];
  const user = await newUser(server, 'bench');
  const rooms = [];
  const queue = Array.from({ length: args.rooms }, (_, k) => k);
  const worker = async () => {
    for (let k = queue.shift(); k !== undefined; k = queue.shift()) {
      const res = await server.api('POST', '/api/v1/projects',
                                   { token: user.access, json: { title: `Room ${k}` } });
      if (res.status !== 201) throw new Error(`project ${k}: ${res.status} ${res.body}`);
      const id = res.json.id ?? res.json.project?.id;
      // Client k of the room connects to instance k % instances.
      const urls = servers.map((s) =>
          `${s.url.replace('http', 'ws')}/collab/project/${id}/design?token=${user.access}`);
      rooms.push({ name: `project/${id}/design`, url: urls[0], urls });
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  for (const s of servers) s.logs.length = 0;
  return {
    pids: servers.map((s) => s.child.pid), rooms,
    stop: async () => {
      for (const s of servers) await s.stop();
      servers[0].cleanup();
      if (shared.dataDir) rmSync(shared.dataDir, { recursive: true, force: true });
    },
  };
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
    const empty = memory(server.pids);
    const share = (k) => server.rooms.filter((_, i) => i % args.drivers === k);
    const protocol = kind === 'hocuspocus' ? 'hocuspocus' : 'y-websocket';
    const started = Date.now();
    const connected = await ask(drivers, (k) => ({
      cmd: 'connect', rooms: share(k), clientsPerRoom: args.clients, protocol,
      concurrency: Math.ceil(args.concurrency / args.drivers) }), 'connected');
    const connectSeconds = (Date.now() - started) / 1000;
    const failures = connected.reduce((s, m) => s + m.failures, 0);
    const seeded = await ask(drivers, { cmd: 'seed', docNodes: args['doc-nodes'] }, 'seeded');
    await new Promise((r) => setTimeout(r, 2000));  // a measurement choice: let allocations settle
    const open = memory(server.pids);
    const cpuBefore = cpuSeconds(server.pids);
    const loadStart = Date.now();
    const loaded = await ask(drivers, { cmd: 'load', rate: args.rate / args.drivers,
                                        seconds: args.seconds }, 'loaded');
    const cpu = (cpuSeconds(server.pids) - cpuBefore) / ((Date.now() - loadStart) / 1000);
    const after = memory(server.pids);
    const all = Float64Array.from(loaded.flatMap((m) => [...m.latencies])).sort();
    const updates = loaded.reduce((s, m) => s + m.updates, 0);
    return {
      server: kind,
      instances: server.pids.length,
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
