// The HTTP layer as clients meet it: error envelopes, hostile input, limits, headers, caching,
// compression, slow clients, rate limits, health and metrics.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import zlib from 'node:zlib';
import { startServer, newUser } from './harness.mjs';

let server, user;
before(async () => {
  server = await startServer({ args: ['--cors-origins', 'https://app.example.com'] });
  user = await newUser(server);
});
after(async () => { await server.stop(); server.cleanup(); });

// Sends raw bytes and collects everything until the server closes (or `deadlineMs` passes).
function rawExchange(bytes, deadlineMs = 15000) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(server.port, '127.0.0.1');
    let data = '';
    const timer = setTimeout(() => { socket.destroy(); reject(new Error('no close before deadline: ' + data)); }, deadlineMs);
    socket.on('data', (d) => { data += d; });
    socket.on('close', () => { clearTimeout(timer); resolve(data); });
    socket.on('error', () => {});
    socket.write(bytes);
  });
}

test('unknown routes and wrong methods answer in the JSON error envelope', async () => {
  const missing = await server.api('GET', '/api/v1/nope');
  assert.equal(missing.status, 404);
  assert.equal(missing.json.error.code, 'not_found');
  assert.ok(missing.json.requestId);
  assert.equal(missing.headers.get('x-request-id'), missing.json.requestId);
  const wrong = await server.api('PUT', '/api/v1/me');
  assert.equal(wrong.status, 405);
  assert.match(wrong.headers.get('allow'), /GET/);
});

test('malformed JSON, wrong types, deep nesting and bad UTF-8 are 400s', async () => {
  const bodies = ['{"email":', '[1,2]', '"text"', '{"title": "a"}}',
                  '{"title":"x","designJson":' + '['.repeat(5000) + ']'.repeat(5000) + '}'];
  for (const body of bodies) {
    const res = await server.api('POST', '/api/v1/projects', { token: user.access, body,
                                                              headers: { 'content-type': 'application/json' } });
    assert.equal(res.status, 400, body.slice(0, 40));
    assert.ok(['malformed_json', 'validation_failed'].includes(res.json.error.code));
  }
  const badUtf8 = Buffer.concat([Buffer.from('{"title":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
  const res = await fetch(server.url + '/api/v1/projects', {
    method: 'POST', body: badUtf8,
    headers: { authorization: `Bearer ${user.access}`, 'content-type': 'application/json' } });
  assert.equal(res.status, 400);
  const list = await server.api('GET', '/api/v1/projects', { token: user.access });
  assert.equal(list.json.items.length, 0, 'nothing was stored');
});

test('an oversized body is refused with 413', async () => {
  const res = await server.api('POST', '/api/v1/auth/login',
                               { json: { email: 'a@b.co', password: 'x'.repeat(100_000) } });
  assert.equal(res.status, 413);
  assert.equal(res.json.error.code, 'payload_too_large');
});

test('a client that trickles its header is cut off, and the server keeps serving', async () => {
  const slow = await startServer();
  try {
    const socket = net.connect(slow.port, '127.0.0.1');
    socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');  // never finishes the header
    const closed = await new Promise((resolve) => {
      socket.on('close', () => resolve(true));
      socket.on('error', () => {});
      setTimeout(() => resolve(false), 30000);
    });
    assert.ok(closed, 'the server closed the half-sent request');
    assert.equal((await slow.api('GET', '/healthz')).status, 200);
  } finally {
    await slow.stop();
    slow.cleanup();
  }
});

test('a malformed request line gets 400 and other clients are unaffected', async () => {
  const reply = await rawExchange('BLAH\r\n\r\n');
  assert.match(reply, /^HTTP\/1\.1 400/);
  assert.equal((await server.api('GET', '/healthz')).status, 200);
});

test('security headers and CORS', async () => {
  const res = await server.api('GET', '/healthz', { headers: { origin: 'https://app.example.com' } });
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(res.headers.get('x-frame-options'), 'DENY');
  assert.ok(res.headers.get('referrer-policy'));
  assert.equal(res.headers.get('strict-transport-security'), null, 'no HSTS over plain HTTP');
  assert.equal(res.headers.get('access-control-allow-origin'), 'https://app.example.com');
  const other = await server.api('GET', '/healthz', { headers: { origin: 'https://evil.example' } });
  assert.equal(other.headers.get('access-control-allow-origin'), null);
  const preflight = await server.api('OPTIONS', '/api/v1/projects', {
    headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' } });
  assert.equal(preflight.status, 204);
  assert.match(preflight.headers.get('access-control-allow-methods'), /POST/);
});

test('ETag and If-None-Match on GET', async () => {
  const res = await server.api('POST', '/api/v1/projects', { token: user.access, json: { title: 'etag' } });
  const first = await server.api('GET', `/api/v1/projects/${res.json.id}`, { token: user.access });
  const etag = first.headers.get('etag');
  assert.ok(etag);
  const again = await server.api('GET', `/api/v1/projects/${res.json.id}`,
                                 { token: user.access, headers: { 'if-none-match': etag } });
  assert.equal(again.status, 304);
  await server.api('PATCH', `/api/v1/projects/${res.json.id}`, { token: user.access, json: { title: 'changed' } });
  const changed = await server.api('GET', `/api/v1/projects/${res.json.id}`,
                                   { token: user.access, headers: { 'if-none-match': etag } });
  assert.equal(changed.status, 200);
  await server.api('DELETE', `/api/v1/projects/${res.json.id}`, { token: user.access });
});

test('large JSON is gzip-compressed when the client accepts it', async () => {
  const raw = await new Promise((resolve, reject) => {
    const socket = net.connect(server.port, '127.0.0.1');
    const chunks = [];
    socket.on('data', (d) => chunks.push(d));
    socket.on('close', () => resolve(Buffer.concat(chunks)));
    socket.on('error', reject);
    socket.write('GET /api/v1/openapi.json HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n');
  });
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.subarray(0, split).toString();
  assert.match(head, /content-encoding: gzip/i);
  let body = raw.subarray(split + 4);
  if (/transfer-encoding: chunked/i.test(head)) {
    const parts = [];
    let at = 0;
    while (true) {
      const eol = body.indexOf('\r\n', at);
      const size = parseInt(body.subarray(at, eol).toString(), 16);
      if (!size) break;
      parts.push(body.subarray(eol + 2, eol + 2 + size));
      at = eol + 2 + size + 2;
    }
    body = Buffer.concat(parts);
  }
  const doc = JSON.parse(zlib.gunzipSync(body).toString());
  assert.equal(doc.openapi, '3.1.0');
});

test('login attempts are rate limited per IP with 429 and Retry-After', async () => {
  const limited = await startServer({ rateLimits: 'ip=100000' });
  try {
    const statuses = [];
    for (let i = 0; i < 7; i++) {
      const res = await limited.api('POST', '/api/v1/auth/login',
                                    { json: { email: 'who@example.com', password: 'Wrong-Password-1' } });
      statuses.push(res.status);
      if (res.status === 429) {
        assert.ok(Number(res.headers.get('retry-after')) >= 1);
        assert.equal(res.json.error.code, 'rate_limited');
      }
    }
    assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429, 429]);
    assert.equal((await limited.api('GET', '/healthz')).status, 200, 'other routes are not limited');
  } finally {
    await limited.stop();
    limited.cleanup();
  }
});

test('health, readiness, metrics and the OpenAPI document', async () => {
  assert.equal((await server.api('GET', '/healthz')).status, 200);
  const ready = await server.api('GET', '/readyz');
  assert.equal(ready.status, 200);
  assert.equal(ready.json.checks.database, 'ok');
  const metrics = await server.api('GET', '/metrics');
  assert.equal(metrics.status, 200);
  assert.match(metrics.body, /http_requests_total\{/);
  assert.match(metrics.body, /http_request_duration_seconds_bucket\{/);
  assert.match(metrics.body, /route="\/healthz"/);
  const doc = await server.api('GET', '/api/v1/openapi.json');
  assert.ok(doc.json.paths['/api/v1/projects/{id}'].get);
});

test('SIGTERM drains and the process exits cleanly', async () => {
  const s = await startServer();
  assert.equal((await s.api('GET', '/healthz')).status, 200);
  const { code, signal } = await s.stop();
  assert.equal(code, 0, `exit ${code} ${signal}`);
  assert.ok(s.logs.some((l) => l.msg === 'stopped'));
  s.cleanup();
});

test('readiness reports each dependency and answers 503 when one is down', async () => {
  const redis = process.env.OD_TEST_REDIS_URL;
  assert.ok(redis, 'OD_TEST_REDIS_URL is not set: run through scripts/test.sh');
  const up = await startServer({ args: ['--redis', redis] });
  try {
    const ready = await up.api('GET', '/readyz');
    assert.equal(ready.status, 200);
    assert.deepEqual(ready.json.checks, { database: 'ok', redis: 'ok' });
  } finally {
    await up.stop();
    up.cleanup();
  }
  // A port nothing listens on: bind one, note it, close it.
  const net = await import('node:net');
  const port = await new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
  const down = await startServer({ args: ['--redis', `redis://127.0.0.1:${port}`] });
  try {
    const ready = await down.api('GET', '/readyz');
    assert.equal(ready.status, 503);
    assert.equal(ready.json.error.code, 'not_ready');
    assert.equal(ready.json.error.details.checks.redis, 'unreachable');
    assert.ok(Number(ready.headers.get('retry-after')) >= 1);
    assert.equal((await down.api('GET', '/healthz')).status, 200, 'alive even when not ready');
  } finally {
    await down.stop();
    down.cleanup();
  }
});
