// Server-Sent Events through the real binary: GET /api/v1/events streams the changes of projects
// the caller may read, re-checks access on every event (revoked when it ends), accepts the token
// as ?access_token= for EventSource, releases the subscription when the client goes, and (with
// --redis) carries events between server processes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, newUser, freshPostgresDatabase } from './harness.mjs';

const kWait = 10000;

// Reads an SSE response body and parses it into messages: { id, event, data, comments }.
class SseReader {
  constructor(response, controller) {
    this.response = response;
    this.controller = controller;
    this.messages = [];
    this.waiters = [];
    this.done = false;
    this.ended = this.#pump();
  }

  async #pump() {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of this.response.body) {
        buffer += decoder.decode(chunk, { stream: true });
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          this.#add(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      }
    } catch (e) {
      if (e.name !== 'AbortError') throw e;
    } finally {
      this.done = true;
      this.#wake();
    }
  }

  #add(block) {
    const message = { id: null, event: 'message', data: null, comments: [], retry: null };
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) { message.comments.push(line.slice(1).trim()); continue; }
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'id') message.id = value;
      else if (field === 'event') message.event = value;
      else if (field === 'data') message.data = message.data === null ? value : message.data + '\n' + value;
      else if (field === 'retry') message.retry = Number(value);
    }
    if (message.data !== null) message.json = JSON.parse(message.data);
    this.messages.push(message);
    this.#wake();
  }

  #wake() { for (const w of this.waiters.splice(0)) w(); }

  // The first not-yet-taken message matching `predicate`; earlier ones are skipped.
  async next(predicate = () => true, what = 'a message') {
    const deadline = Date.now() + kWait;
    for (;;) {
      const i = this.messages.findIndex(predicate);
      if (i >= 0) return this.messages.splice(0, i + 1).pop();
      if (this.done) throw new Error(`stream ended before ${what}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => { clearTimeout(timer); resolve(); });
      });
    }
  }

  event(type) { return this.next((m) => m.event === type, `event ${type}`); }

  close() { this.controller.abort(); return this.ended; }
}

// Opens /api/v1/events; resolves to { status, json } on an error, or an SseReader that has seen
// the `: connected` comment (from then on no event is missed).
async function subscribe(server, topics, { token, queryToken } = {}) {
  const controller = new AbortController();
  const params = new URLSearchParams();
  if (topics !== undefined) params.set('topics', topics);
  if (queryToken) params.set('access_token', queryToken);
  const headers = token ? { authorization: `Bearer ${token}` } : {};
  const res = await fetch(`${server.url}/api/v1/events?${params}`,
                          { headers, signal: controller.signal });
  if (res.status !== 200) {
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  }
  assert.match(res.headers.get('content-type'), /^text\/event-stream/);
  const reader = new SseReader(res, controller);
  reader.status = 200;
  const preamble = await reader.next((m) => m.retry !== null, 'the retry line');
  assert.equal(preamble.retry, 3000);
  await reader.next((m) => m.comments.includes('connected'), 'the connected comment');
  return reader;
}

async function createProject(server, user, extra = {}) {
  const res = await server.api('POST', '/api/v1/projects', {
    token: user.access,
    json: { title: 'Events', designJson: { root: { type: 'frame' } },
            code: { html: '<p>secret markup</p>', framework: 'plain' }, ...extra },
  });
  assert.equal(res.status, 201, res.body);
  return res.json;
}

async function addMember(server, owner, projectId, user, role) {
  const res = await server.api('POST', `/api/v1/projects/${projectId}/members`,
                               { token: owner.access, json: { userId: user.id, role } });
  assert.equal(res.status, 201, res.body);
}

async function subscriberGauge(server) {
  const res = await server.api('GET', '/metrics');
  const line = res.body.split('\n').find((l) => l.startsWith('events_subscribers'));
  assert.ok(line, 'events_subscribers is missing from /metrics');
  return Number(line.split(' ').pop());
}

// Polls /metrics with a deadline until the gauge reads `value`.
async function gaugeBecomes(server, value) {
  const deadline = Date.now() + kWait;
  let seen;
  while ((seen = await subscriberGauge(server)) !== value && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.equal(seen, value, 'events_subscribers');
}

let server, owner, viewer, stranger;
before(async () => {
  server = await startServer();
  owner = await newUser(server, 'owner');
  viewer = await newUser(server, 'viewer');
  stranger = await newUser(server, 'stranger');
});
after(async () => { await server.stop(); server.cleanup(); });

test('the owner sees updates, new versions and the deletion of a project', async () => {
  const project = await createProject(server, owner);
  const stream = await subscribe(server, `project:${project.id}`, { token: owner.access });
  try {
    const upd = await server.api('PATCH', `/api/v1/projects/${project.id}`,
                                 { token: owner.access, json: { title: 'Renamed' } });
    assert.equal(upd.status, 200, upd.body);
    const updated = await stream.event('project.updated');
    assert.ok(updated.id, 'events carry an id for Last-Event-ID');
    assert.equal(updated.json.id, updated.id);
    assert.equal(updated.json.topic, `project:${project.id}`);
    assert.equal(updated.json.data.revision, upd.json.revision);
    assert.deepEqual(updated.json.data.changed, ['title']);
    assert.equal(updated.json.data.updatedBy, owner.id);
    assert.match(updated.json.at, /^\d{4}-\d\d-\d\dT.*Z$/);

    const content = await server.api('PATCH', `/api/v1/projects/${project.id}`, {
      token: owner.access, json: { code: { html: '<p>changed markup</p>', framework: 'plain' } },
    });
    assert.equal(content.status, 200, content.body);
    const next = await stream.event('project.updated');
    assert.equal(next.json.data.revision, content.json.revision);
    assert.ok(!next.data.includes('markup'), 'events must not carry content');
    const version = await stream.event('project.version_created');
    assert.equal(version.json.data.number, 2);

    assert.equal((await server.api('DELETE', `/api/v1/projects/${project.id}`,
                                   { token: owner.access })).status, 204);
    await stream.event('project.deleted');
    await stream.event('revoked');
    await stream.ended;
  } finally {
    await stream.close();
  }
});

test('a stranger cannot subscribe to a private project: 404, as for a missing one', async () => {
  const project = await createProject(server, owner);
  const res = await subscribe(server, `project:${project.id}`, { token: stranger.access });
  assert.equal(res.status, 404);
  assert.equal(res.json.error.code, 'not_found');
  // One unreadable topic among readable ones refuses the whole stream.
  const mine = await createProject(server, stranger);
  const mixed = await subscribe(server, `project:${mine.id},project:${project.id}`,
                                { token: stranger.access });
  assert.equal(mixed.status, 404);
  const missing = await subscribe(server, 'project:0190a3c5-0000-7000-8000-000000000000',
                                  { token: owner.access });
  assert.equal(missing.status, 404);
});

test('signing in is required', async () => {
  const project = await createProject(server, owner, { isPublic: true });
  const anonymous = await subscribe(server, `project:${project.id}`);
  assert.equal(anonymous.status, 401);
  const bad = await subscribe(server, `project:${project.id}`, { queryToken: 'not-a-token' });
  assert.equal(bad.status, 401);
  assert.equal(bad.json.error.code, 'invalid_token');
});

test('bad topics are a 400', async () => {
  const project = await createProject(server, owner);
  const many = Array.from({ length: 21 }, () => `project:${project.id}`).join(',');
  for (const topics of [undefined, '', 'project', 'user:1', `project:${project.id},`,
                        'project:not-a-uuid', `project:${project.id.toUpperCase()}`, many]) {
    const res = await subscribe(server, topics, { token: owner.access });
    assert.equal(res.status, 400, `topics=${topics}`);
    assert.equal(res.json.error.code, 'validation_failed');
  }
});

test('a viewer removed from the project is revoked and the stream ends', async () => {
  const project = await createProject(server, owner);
  await addMember(server, owner, project.id, viewer, 'viewer');
  const stream = await subscribe(server, `project:${project.id}`, { token: viewer.access });
  try {
    await server.api('PATCH', `/api/v1/projects/${project.id}`,
                     { token: owner.access, json: { description: 'still visible' } });
    await stream.event('project.updated');
    const del = await server.api('DELETE', `/api/v1/projects/${project.id}/members/${viewer.id}`,
                                 { token: owner.access });
    assert.equal(del.status, 204);
    const revoked = await stream.event('revoked');
    assert.equal(revoked.json.topic, `project:${project.id}`);
    await stream.ended;
    assert.ok(!stream.messages.some((m) => m.event === 'project.member_changed'),
              'the event that revoked access must not be delivered');
  } finally {
    await stream.close();
  }
});

test('a public project made private revokes a stranger\'s stream', async () => {
  const project = await createProject(server, owner, { isPublic: true });
  const stream = await subscribe(server, `project:${project.id}`, { token: stranger.access });
  try {
    await server.api('PATCH', `/api/v1/projects/${project.id}`,
                     { token: owner.access, json: { isPublic: false } });
    await stream.event('revoked');
    await stream.ended;
  } finally {
    await stream.close();
  }
});

test('?access_token= works for EventSource clients', async () => {
  const project = await createProject(server, owner);
  await addMember(server, owner, project.id, viewer, 'viewer');
  const stream = await subscribe(server, `project:${project.id}`, { queryToken: viewer.access });
  try {
    await addMember(server, owner, project.id, viewer, 'editor');
    const changed = await stream.event('project.member_changed');
    assert.equal(changed.json.data.userId, viewer.id);
    assert.equal(changed.json.data.role, 'editor');
  } finally {
    await stream.close();
  }
});

test('a client that disconnects releases its subscription', async () => {
  await gaugeBecomes(server, 0);
  const project = await createProject(server, owner);
  const stream = await subscribe(server, `project:${project.id}`, { token: owner.access });
  assert.equal(await subscriberGauge(server), 1);
  await stream.close();
  await gaugeBecomes(server, 0);
});

test('two server processes sharing Redis and PostgreSQL pass events between them', async () => {
  const redis = process.env.OD_TEST_REDIS_URL;
  assert.ok(redis, 'OD_TEST_REDIS_URL is not set: run through scripts/test.sh');
  // Both nodes use one database and one data directory (so one signing secret: a token from one
  // node is good on the other), whatever OD_TEST_DATABASE says: SQLite cannot be shared.
  const database = freshPostgresDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), 'od-it-events-'));
  const args = ['--redis', redis];
  const a = await startServer({ database, dataDir, args });
  const b = await startServer({ database, dataDir, args });
  try {
    const user = await newUser(a, 'twonodes');
    const project = await createProject(a, user);
    const stream = await subscribe(b, `project:${project.id}`, { token: user.access });
    try {
      const upd = await a.api('PATCH', `/api/v1/projects/${project.id}`,
                              { token: user.access, json: { title: 'From node A' } });
      assert.equal(upd.status, 200, upd.body);
      const updated = await stream.event('project.updated');
      assert.equal(updated.json.data.revision, upd.json.revision);
    } finally {
      await stream.close();
    }
  } finally {
    await Promise.all([a.stop(), b.stop()]);
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('signing out everywhere on one node ends the access tokens on the other', async () => {
  const redis = process.env.OD_TEST_REDIS_URL;
  assert.ok(redis, 'OD_TEST_REDIS_URL is not set: run through scripts/test.sh');
  const database = freshPostgresDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), 'od-it-revoke-'));
  const args = ['--redis', redis];
  const a = await startServer({ database, dataDir, args });
  const b = await startServer({ database, dataDir, args });
  try {
    const user = await newUser(a, 'revoke');
    assert.equal((await b.api('GET', '/api/v1/me', { token: user.access })).status, 200);
    const out = await a.api('POST', '/api/v1/auth/logout?all=true', { token: user.access });
    assert.equal(out.status, 204);
    // The revocation travels over Redis: poll node B until it applies, with a deadline.
    const deadline = Date.now() + 10_000;
    let status = 200;
    while (status === 200 && Date.now() < deadline) {
      status = (await b.api('GET', '/api/v1/me', { token: user.access })).status;
      if (status === 200) await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(status, 401, 'node B refuses the token revoked on node A');
  } finally {
    await Promise.all([a.stop(), b.stop()]);
    rmSync(dataDir, { recursive: true, force: true });
  }
});
