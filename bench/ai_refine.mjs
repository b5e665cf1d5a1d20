// End-to-end cost of a provider-backed job: `refine` jobs through the real server and its real
// chat client against the local fake provider (tests/support/fake-openai.mjs, streaming at full
// speed), so the figures are the server's own overhead (queue, SSE client, progress, usage
// accounting), not a model's. Each job is followed on its event stream from submit to `done`.
//
//   OD_BINARY=build/opendesign node bench/ai_refine.mjs [jobs=200] [concurrency=8]
//   (OD_TEST_DATABASE=postgres with OD_TEST_POSTGRES_URL for PostgreSQL)
import { startServer, newUser } from '../tests/integration/harness.mjs';
import { startFakeOpenAI } from '../tests/support/fake-openai.mjs';

const total = Number(process.argv[2] || 200);
const concurrency = Number(process.argv[3] || 8);
const fake = await startFakeOpenAI();
const server = await startServer({
  rateLimits: 'ip=1000000,login=100000,ai=1000000',
  args: ['--ai-base-url', fake.url, '--ai-model', 'fake-model', '--max-jobs-in-flight', '100000'],
});
const user = await newUser(server, 'bench');
const code = 'let answer = 41;\nanswer++;\nconsole.log(answer);\n'.repeat(20);

async function oneJob(i) {
  const started = performance.now();
  const res = await server.api('POST', '/api/v1/ai/jobs', {
    token: user.access,
    json: { type: 'refine', input: { code, instruction: `variant ${i}` } },
  });
  if (res.status !== 202) throw new Error(`submit: ${res.status} ${res.body}`);
  const events = await fetch(`${server.url}/api/v1/ai/jobs/${res.json.jobId}/events`, {
    headers: { authorization: `Bearer ${user.access}` },
  });
  const text = await events.text();
  if (!text.includes('"status":"done"')) throw new Error(`job ${i} did not finish: ${text.slice(-300)}`);
  return performance.now() - started;
}

const latencies = [];
let next = 0;
const wall = performance.now();
await Promise.all(Array.from({ length: concurrency }, async () => {
  while (next < total) latencies.push(await oneJob(next++));
}));
const seconds = (performance.now() - wall) / 1000;
latencies.sort((a, b) => a - b);
const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))].toFixed(1);
const usage = await server.api('GET', '/api/v1/me/usage', { token: user.access });
console.log(JSON.stringify({
  database: server.database ? 'postgres' : 'sqlite', jobs: total, concurrency,
  jobsPerSecond: Number((total / seconds).toFixed(1)),
  submitToDoneMs: { p50: pct(0.5), p90: pct(0.9), p99: pct(0.99) },
  providerRequests: fake.requests.length,
  accounted: usage.json.totals,
}));
await server.stop();
server.cleanup();
await fake.close();
