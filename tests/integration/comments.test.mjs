// Comments through the real binary: threads on design nodes and code ranges, replies, resolve and
// reopen, editing and deleting, mentions resolved and validated, paging, who may do what, and bad
// input refused without changing anything.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, newUser, makeAdmin } from './harness.mjs';

let server, owner, editor, viewer, stranger, admin, projectId;
before(async () => {
  server = await startServer();
  owner = await newUser(server, 'owner');
  editor = await newUser(server, 'editor');
  viewer = await newUser(server, 'viewer');
  stranger = await newUser(server, 'stranger');
  admin = await makeAdmin(server, await newUser(server, 'admin'));
  const res = await server.api('POST', '/api/v1/projects',
                               { token: owner.access, json: { title: 'Commented' } });
  projectId = res.json.id;
  for (const [user, role] of [[editor, 'editor'], [viewer, 'viewer']]) {
    const add = await server.api('POST', `/api/v1/projects/${projectId}/members`,
                                 { token: owner.access, json: { userId: user.id, role } });
    assert.equal(add.status, 201, add.body);
  }
});
after(async () => { await server.stop(); server.cleanup(); });

const path = (suffix = '') => `/api/v1/projects/${projectId}/comments${suffix}`;
const call = (method, suffix, user, json) =>
  server.api(method, path(suffix), { token: user?.access, json });

test('threads on a node and a code range, replies, resolve and reopen', async () => {
  const onNode = await call('POST', '', viewer, { body: 'Too small?', anchor: { nodeId: 'n-1' } });
  assert.equal(onNode.status, 201, onNode.body);
  assert.deepEqual(onNode.json.anchor, { nodeId: 'n-1' });
  assert.equal(onNode.json.threadId, onNode.json.id);
  assert.equal(onNode.json.authorId, viewer.id);
  assert.equal(onNode.json.resolved, false);
  const onCode = await call('POST', '', editor,
                            { body: 'Rename this', anchor: { file: 'src/app.js', from: 3, to: 9 } });
  assert.equal(onCode.status, 201, onCode.body);
  assert.deepEqual(onCode.json.anchor, { file: 'src/app.js', from: 3, to: 9 });

  const reply = await call('POST', `/${onNode.json.id}/replies`, owner, { body: 'Agreed' });
  assert.equal(reply.status, 201, reply.body);
  assert.equal(reply.json.threadId, onNode.json.id);
  assert.equal(reply.json.anchor, undefined);
  // Replies hang off threads, not off other replies.
  assert.equal((await call('POST', `/${reply.json.id}/replies`, owner, { body: 'x' })).status, 404);

  const thread = await call('GET', `/${onNode.json.id}`, viewer);
  assert.equal(thread.status, 200);
  assert.equal(thread.json.replyCount, 1);
  assert.deepEqual(thread.json.replies.map((r) => r.body), ['Agreed']);

  // The thread's author (a viewer) and editors resolve; a viewer cannot resolve others' threads.
  assert.equal((await call('POST', `/${onCode.json.id}/resolve`, viewer)).status, 403);
  const resolved = await call('POST', `/${onNode.json.id}/resolve`, viewer);
  assert.equal(resolved.status, 200);
  assert.equal(resolved.json.resolved, true);
  assert.equal(resolved.json.resolvedBy, viewer.id);
  const open = await call('GET', '?status=open', owner);
  assert.deepEqual(open.json.items.map((t) => t.id), [onCode.json.id]);
  const done = await call('GET', '?status=resolved', owner);
  assert.deepEqual(done.json.items.map((t) => t.id), [onNode.json.id]);
  assert.equal(done.json.items[0].replyCount, 1);
  const reopened = await call('POST', `/${onNode.json.id}/reopen`, editor);
  assert.equal(reopened.json.resolved, false);
  assert.equal(reopened.json.resolvedAt, null);
});

test('authors edit their own; authors and the owner delete; a thread goes with its replies',
     async () => {
  const t = await call('POST', '', editor, { body: 'first', anchor: { nodeId: 'n-2' } });
  const r = await call('POST', `/${t.json.id}/replies`, viewer, { body: 'reply' });
  assert.equal((await call('PATCH', `/${t.json.id}`, owner, { body: 'hijack' })).status, 403);
  const edited = await call('PATCH', `/${t.json.id}`, editor, { body: 'first, edited' });
  assert.equal(edited.status, 200);
  assert.equal(edited.json.body, 'first, edited');
  assert.equal(edited.json.edited, true);
  assert.equal((await call('DELETE', `/${r.json.id}`, editor)).status, 403);
  assert.equal((await call('DELETE', `/${r.json.id}`, viewer)).status, 204);
  const r2 = await call('POST', `/${t.json.id}/replies`, viewer, { body: 'again' });
  assert.equal((await call('DELETE', `/${t.json.id}`, owner)).status, 204);
  assert.equal((await call('GET', `/${t.json.id}`, owner)).status, 404);
  assert.equal((await call('PATCH', `/${r2.json.id}`, viewer, { body: 'x' })).status, 404);
});

test('mentions resolve to user ids and must name someone who can see the project', async () => {
  const ok = await call('POST', '', owner, {
    body: `@${editor.email} and @${viewer.id}, see this (mail me at not@mention). @here`,
    anchor: { nodeId: 'n-3' },
  });
  assert.equal(ok.status, 201, ok.body);
  assert.deepEqual(ok.json.mentions, [editor.id, viewer.id]);
  for (const who of [stranger.email, stranger.id, 'nobody@example.com']) {
    const bad = await call('POST', '', owner, { body: `hey @${who}`, anchor: { nodeId: 'n' } });
    assert.equal(bad.status, 422, who);
    assert.equal(bad.json.error.code, 'unknown_mention');
  }
  const many = Array.from({ length: 21 }, (_, i) => `@user${i}@example.com`).join(' ');
  const tooMany = await call('POST', '', owner, { body: many, anchor: { nodeId: 'n' } });
  assert.equal(tooMany.status, 400);
  const edited = await call('PATCH', `/${ok.json.id}`, owner, { body: `only @${owner.id}` });
  assert.deepEqual(edited.json.mentions, [owner.id]);
});

test('who may read and write', async () => {
  const t = await call('POST', '', owner, { body: 'private', anchor: { nodeId: 'n-4' } });
  assert.equal((await call('GET', '', stranger)).status, 404);
  assert.equal((await call('GET', `/${t.json.id}`, stranger)).status, 404);
  assert.equal((await call('POST', '', stranger, { body: 'x', anchor: { nodeId: 'n' } })).status,
               404);
  assert.equal((await call('GET', '')).status, 401);
  assert.equal((await call('GET', '', admin)).status, 200);
  // A public project's readers see comments but are not members, so they cannot write.
  await server.api('PATCH', `/api/v1/projects/${projectId}`,
                   { token: owner.access, json: { isPublic: true } });
  assert.equal((await call('GET', '', stranger)).status, 200);
  assert.equal((await call('POST', '', stranger, { body: 'x', anchor: { nodeId: 'n' } })).status,
               403);
  await server.api('PATCH', `/api/v1/projects/${projectId}`,
                   { token: owner.access, json: { isPublic: false } });
});

test('threads page newest first with an opaque cursor', async () => {
  const res = await server.api('POST', '/api/v1/projects',
                               { token: owner.access, json: { title: 'Paged' } });
  const id = res.json.id;
  const made = [];
  for (let i = 0; i < 5; i++) {
    const c = await server.api('POST', `/api/v1/projects/${id}/comments`,
                               { token: owner.access, json: { body: `c${i}`, anchor: { nodeId: `${i}` } } });
    made.push(c.json.id);
  }
  const seen = [];
  let cursor = '';
  for (;;) {
    const page = await server.api('GET', `/api/v1/projects/${id}/comments?limit=2${cursor}`,
                                  { token: owner.access });
    assert.equal(page.status, 200);
    seen.push(...page.json.items.map((c) => c.id));
    if (!page.json.nextCursor) break;
    cursor = `&cursor=${encodeURIComponent(page.json.nextCursor)}`;
  }
  assert.deepEqual(seen, made.reverse());
  const bad = await server.api('GET', `/api/v1/projects/${id}/comments?cursor=nope`,
                               { token: owner.access });
  assert.equal(bad.status, 400);
});

test('bad input is refused and changes nothing', async () => {
  const before = (await call('GET', '?limit=100', owner)).json.items.length;
  const cases = [
    { body: '', anchor: { nodeId: 'n' } },
    { body: 'x'.repeat(10001), anchor: { nodeId: 'n' } },
    { body: 'no anchor' },
    { body: 'x', anchor: 'n-1' },
    { body: 'x', anchor: { nodeId: '' } },
    { body: 'x', anchor: { file: 'a.js', from: 5, to: 2 } },
    { body: 'x', anchor: { file: 'a.js', from: -1, to: 2 } },
    { body: 'x', anchor: { file: 'a.js', from: 0 } },
    { body: 'x', anchor: { nodeId: 'n', file: 'a.js' } },
    { body: 'x', anchor: { nodeId: 'n' }, extra: 1 },
    { body: 42, anchor: { nodeId: 'n' } },
  ];
  for (const json of cases) {
    const res = await call('POST', '', owner, json);
    assert.equal(res.status, 400, JSON.stringify(json).slice(0, 80));
    assert.equal(typeof res.json.error.code, 'string');
  }
  const raw = await server.api('POST', path(), {
    token: owner.access, body: '{not json', headers: { 'content-type': 'application/json' } });
  assert.equal(raw.status, 400);
  assert.equal((await call('GET', '?status=maybe', owner)).status, 400);
  assert.equal((await call('GET', '/not-an-id', owner)).status, 404);
  assert.equal((await call('PATCH', '/not-an-id', owner, { body: 'x' })).status, 404);
  const after = (await call('GET', '?limit=100', owner)).json.items.length;
  assert.equal(after, before);
});
