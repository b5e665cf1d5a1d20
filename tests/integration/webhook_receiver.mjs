// A local HTTP server that receives job webhooks for the tests: it records every request (headers
// and raw body) and answers each path with a scripted sequence of statuses (the last repeats).
import { createServer } from 'node:http';
import { createHmac, timingSafeEqual } from 'node:crypto';

export async function startReceiver(script = {}) {
  const received = [];
  const counts = new Map();
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ path: req.url, method: req.method, headers: req.headers, body });
      const n = counts.get(req.url) ?? 0;
      counts.set(req.url, n + 1);
      const statuses = script[req.url] ?? [200];
      res.writeHead(statuses[Math.min(n, statuses.length - 1)], { 'content-type': 'text/plain' });
      res.end('ok');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    at: (path) => received.filter((r) => r.path === path),
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

// Checks an X-OpenDesign-Signature value (t=<unix>,v1=<hex>) over `body` with `secret`, the way
// a receiver should: parse, recompute HMAC-SHA256(secret, "<t>.<body>"), compare in constant
// time, and reject timestamps more than five minutes away.
export function verifySignature(secret, header, body, nowSeconds = Math.floor(Date.now() / 1000)) {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!match) return false;
  const t = Number(match[1]);
  if (Math.abs(nowSeconds - t) > 300) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(match[2], 'hex'));
}

// A signature header as the server makes them (for callbacks to the server).
export function sign(secret, body, t = Math.floor(Date.now() / 1000)) {
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}
