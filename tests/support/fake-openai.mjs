// A stand-in for an OpenAI-compatible chat-completions provider (OpenAI, Ollama, vLLM, llama.cpp
// server), speaking the same HTTP and Server-Sent Events protocol, with scripted behaviours so the
// tests drive the real client through the failures real providers have.
//
// POST /v1/chat/completions answers with the next scripted step (or `ok` when none is left):
//   ok          a completion; streamed as SSE chunks (+ usage chunk, [DONE]) when stream: true
//   json        a whole completion even when a stream was asked for (some servers do this)
//   429         HTTP 429 with Retry-After (step.retryAfter, default "1")
//   500         HTTP 500 with an error body (step.message, default a short one)
//   400         HTTP 400 with an error body (the request is "wrong")
//   hang        accepts the request and never answers
//   stall       starts a stream (headers + one chunk), then goes silent
//   malformed   starts a stream, then sends a chunk that is not JSON
//   truncated   starts a stream, then drops the connection before [DONE]
//   cut         starts a stream, then drops the connection before any text
// A step is a name or an object {kind, content, retryAfter, chunkDelayMs, chunkSize}.
//
// Control (tests): POST /__script {"steps": [...]} appends steps; POST /__reset clears steps and
// the request log; GET /__requests lists the chat requests received ({headers, body}).
//
// In a node test: `const fake = await startFakeOpenAI()` (fake.url is the API base to configure,
// ending in /v1). Standalone (the C++ client suite): `node tests/support/fake-openai.mjs` prints
// one JSON line {"url", "port"} once it listens and runs until SIGTERM or stdin closes.
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';

export const defaultContent =
  'Here is the refined code:\n```js\nexport const answer = 42;\nconsole.log(answer);\n```\n';

export async function startFakeOpenAI({ port = 0 } = {}) {
  const steps = [];
  const requests = [];
  const sockets = new Set();
  const timers = new Set();

  const later = (ms, fn) => {
    const timer = setTimeout(() => { timers.delete(timer); fn(); }, ms);
    timers.add(timer);
  };

  const server = createServer(async (req, res) => {
    let body = '';
    for await (const piece of req) body += piece;
    if (req.method === 'POST' && req.url === '/__script') {
      steps.push(...(JSON.parse(body).steps || []));
      return sendJson(res, 200, { queued: steps.length });
    }
    if (req.method === 'POST' && req.url === '/__reset') {
      steps.length = 0;
      requests.length = 0;
      return sendJson(res, 200, { ok: true });
    }
    if (req.method === 'GET' && req.url === '/__requests') return sendJson(res, 200, requests);
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
      return sendJson(res, 404, { error: { message: `no route ${req.method} ${req.url}` } });
    }
    let parsed;
    try { parsed = JSON.parse(body); } catch {
      return sendJson(res, 400, { error: { message: 'body is not JSON' } });
    }
    requests.push({ headers: req.headers, body: parsed });
    const raw = steps.length ? steps.shift() : 'ok';
    const step = typeof raw === 'string' ? { kind: raw } : raw;
    answer(step, parsed, res);
  });

  function answer(step, request, res) {
    const model = request.model || 'fake-model';
    const content = step.content ?? defaultContent;
    const promptTokens = Math.ceil(
      (request.messages || []).reduce((n, m) => n + String(m.content || '').length, 0) / 4);
    switch (step.kind) {
      case 'ok':
        return request.stream ? stream(step, request, res, model, content, promptTokens)
                              : whole(res, model, content, promptTokens);
      case 'json':
        return whole(res, model, content, promptTokens);
      case '429':
        res.setHeader('Retry-After', String(step.retryAfter ?? '1'));
        return sendJson(res, 429, { error: { message: 'Rate limit reached', type: 'rate_limit' } });
      case '500':
        return sendJson(res, 500, { error: { message: step.message ?? 'The server had an error', type: 'server' } });
      case '400':
        return sendJson(res, 400, { error: { message: 'This model cannot do that', type: 'invalid' } });
      case 'hang':
        return;  // the socket stays open until the client gives up
      case 'stall':
        startStream(res);
        return res.write(chunk(model, 'partial', null));
      case 'malformed':
        startStream(res);
        res.write(chunk(model, 'fine so far', null));
        return later(20, () => res.end('data: {"choices": [ this is not json\n\ndata: [DONE]\n\n'));
      case 'truncated':
        startStream(res);
        res.write(chunk(model, 'the beginning ', null));
        return later(20, () => { res.write(chunk(model, 'and then', null)); res.socket.destroy(); });
      case 'cut':
        startStream(res);
        return later(20, () => res.socket.destroy());
      default:
        return sendJson(res, 500, { error: { message: `unknown scripted step ${step.kind}` } });
    }
  }

  function whole(res, model, content, promptTokens) {
    sendJson(res, 200, {
      id: 'chatcmpl-fake', object: 'chat.completion', created: 0, model,
      choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
      usage: { prompt_tokens: promptTokens, completion_tokens: Math.ceil(content.length / 4),
               total_tokens: promptTokens + Math.ceil(content.length / 4) },
    });
  }

  // The content in chunks of chunkSize characters, chunkDelayMs apart, then the finish chunk, the
  // usage chunk when asked for (stream_options.include_usage) and [DONE].
  function stream(step, request, res, model, content, promptTokens) {
    startStream(res);
    const size = step.chunkSize ?? 8;
    const pieces = [];
    for (let i = 0; i < content.length; i += size) pieces.push(content.slice(i, i + size));
    const delay = step.chunkDelayMs ?? 0;
    res.write(`data: ${JSON.stringify({ id: 'chatcmpl-fake', object: 'chat.completion.chunk', model,
      choices: [{ index: 0, delta: { role: 'assistant' }, finish_reason: null }] })}\n\n`);
    let i = 0;
    const next = () => {
      if (res.destroyed) return;
      if (i < pieces.length) {
        res.write(chunk(model, pieces[i++], null));
        return delay ? later(delay, next) : setImmediate(next);
      }
      res.write(chunk(model, null, 'stop'));
      if (request.stream_options?.include_usage) {
        res.write(`data: ${JSON.stringify({ id: 'chatcmpl-fake', object: 'chat.completion.chunk',
          model, choices: [], usage: { prompt_tokens: promptTokens, completion_tokens: pieces.length,
                                       total_tokens: promptTokens + pieces.length } })}\n\n`);
      }
      res.end('data: [DONE]\n\n');
    };
    next();
  }

  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  const actualPort = server.address().port;
  const control = `http://127.0.0.1:${actualPort}`;
  return {
    port: actualPort,
    url: `${control}/v1`,
    script(...more) { steps.push(...more); },
    requests,
    reset() { steps.length = 0; requests.length = 0; },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function startStream(res) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.flushHeaders();
}

function chunk(model, content, finishReason) {
  const delta = content === null ? {} : { content };
  return `data: ${JSON.stringify({ id: 'chatcmpl-fake', object: 'chat.completion.chunk', model,
    choices: [{ index: 0, delta, finish_reason: finishReason }] })}\n\n`;
}

function sendJson(res, status, value) {
  const text = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

if (import.meta.url === pathToFileURL(process.argv[1] || '').href) {
  const fake = await startFakeOpenAI();
  process.stdout.write(JSON.stringify({ url: fake.url, port: fake.port }) + '\n');
  const stop = async () => { await fake.close(); process.exit(0); };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // The C++ suite reads our stdout through a pipe and holds stdin: when it exits, we do too.
  process.stdin.on('end', stop);
  process.stdin.resume();
}
