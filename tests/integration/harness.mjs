// Starts the real `opendesign` binary for integration tests and talks to it over HTTP.
// The database comes from OD_TEST_DATABASE: "sqlite" (a fresh data dir) or "postgres" (a fresh
// database created in the cluster at OD_TEST_POSTGRES_URL, which scripts/test.sh starts).
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import net from 'node:net';

const binary = process.env.OD_BINARY;
if (!binary) throw new Error('OD_BINARY is not set: run the suites through scripts/test.sh');
export const databaseKind = process.env.OD_TEST_DATABASE || 'sqlite';

// A fresh PostgreSQL database in the test cluster; its URL.
export function freshPostgresDatabase() {
  const admin = process.env.OD_TEST_POSTGRES_URL;
  if (!admin) throw new Error('OD_TEST_POSTGRES_URL is not set: run through scripts/test.sh');
  const name = 'od_it_' + randomBytes(6).toString('hex');
  execFileSync('psql', [admin, '-q', '-c', `CREATE DATABASE ${name}`]);
  return admin.replace(/\/[^/?]*(\?|$)/, `/${name}$1`);
}

// Starts a server; resolves once it logs the port it listens on.
// options: { args: [...extra flags], dataDir, database, env, rateLimits }. Tests make many
// logins from one IP, so the per-IP limits are raised unless `rateLimits` says otherwise.
export async function startServer(options = {}) {
  const dataDir = options.dataDir || mkdtempSync(join(tmpdir(), 'od-it-'));
  const database = options.database ??
      (databaseKind === 'postgres' ? freshPostgresDatabase() : '');
  const args = ['serve', '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir,
                '--rate-limits', options.rateLimits ?? 'ip=100000,login=100000',
                ...(options.args || [])];
  if (database) args.push('--database', database);
  const child = spawn(binary, args, { env: { ...process.env, ...(options.env || {}) },
                                      stdio: ['ignore', 'ignore', 'pipe'] });
  const logs = [];
  let exited = null;
  const port = await new Promise((resolve, reject) => {
    let buffer = '';
    child.stderr.on('data', (chunk) => {
      buffer += chunk;
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        let entry;
        try { entry = JSON.parse(line); } catch { entry = { raw: line }; }
        logs.push(entry);
        if (entry.msg === 'listening') resolve(entry.port);
      }
    });
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      reject(new Error(`server exited (${code ?? signal}) before listening:\n` +
                       logs.map((l) => JSON.stringify(l)).join('\n')));
    });
  });
  const exitPromise = new Promise((resolve) => {
    if (exited) resolve(exited);
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  const server = {
    url: `http://127.0.0.1:${port}`,
    port, dataDir, database, logs, child,
    // Graceful stop (SIGTERM); resolves with the exit status.
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exitPromise;
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      return exitPromise;
    },
    cleanup() { if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true }); },
    api: (method, path, opts) => request(`http://127.0.0.1:${port}`, method, path, opts),
  };
  return server;
}

// One HTTP request. opts: { token, json, body, headers }. Resolves to { status, headers, body,
// json } where json is the parsed body when it is JSON.
export async function request(base, method, path, opts = {}) {
  const { headers, body } = requestParts(opts);
  const res = await fetch(base + path, { method, headers, body });
  return responseParts(res.status, res.headers, await res.text());
}

// The headers and body `request` sends for `opts` (also for clients other than fetch).
export function requestParts(opts = {}) {
  const headers = { ...(opts.headers || {}) };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body = opts.body;
  if (opts.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.json);
  }
  return { headers, body };
}

// What `request` resolves to, from a response's status, headers and text.
export function responseParts(status, headers, text) {
  let json;
  try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
  return { status, headers, body: text, json };
}

let counter = 0;
// Registers a fresh user; returns { id, email, password, access, refresh }.
export async function newUser(server, prefix = 'user') {
  const email = `${prefix}${Date.now()}${++counter}${randomBytes(3).toString('hex')}@example.com`;
  const password = 'Correct-Horse-9-Battery';
  const res = await server.api('POST', '/api/v1/auth/register', { json: { email, password } });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${res.body}`);
  return { id: res.json.user.id, email, password, access: res.json.accessToken,
           refresh: res.json.refreshToken };
}

// Makes `user` an admin through the CLI on the same data directory and database, then signs in
// again so the token carries the role.
export async function makeAdmin(server, user) {
  const args = ['user', 'set-role', '--email', user.email, '--role', 'admin',
                '--data-dir', server.dataDir];
  if (server.database) args.push('--database', server.database);
  execFileSync(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const res = await server.api('POST', '/api/v1/auth/login',
                               { json: { email: user.email, password: user.password } });
  user.access = res.json.accessToken;
  user.refresh = res.json.refreshToken;
  return user;
}

// Polls `check` until it returns a truthy value (which is returned), failing after `timeoutMs`.
// The way to wait for an asynchronous outcome without sleeping a guessed time.
export async function waitFor(what, check, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await check();
    if (value) return value;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`timed out waiting for ${what}`);
}

// The status a server answers to a `method` on `path` that announces a body of `length` bytes.
// Only the head is sent: an over-limit upload is refused on its Content-Length, before the body
// (a client that sent it whole would be cut off mid-write).
export function statusForDeclaredBody(server, method, path, length, headers = {}) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(server.port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk;
      const match = /^HTTP\/1\.1 (\d{3})/.exec(received);
      if (match) { socket.destroy(); resolve(Number(match[1])); }
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error(`closed without a status: ${received}`)));
    const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
    socket.write(`${method} ${path} HTTP/1.1\r\nHost: x\r\n${lines}Content-Length: ${length}\r\n\r\n`);
  });
}

export { binary };
