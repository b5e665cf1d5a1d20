// Projects through the real binary: CRUD, the authorization matrix over every project route,
// versions, collaborators, templates, listing with filters and pagination.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, newUser, makeAdmin } from './harness.mjs';

let server, owner, editor, viewer, stranger, admin;
before(async () => {
  server = await startServer();
  owner = await newUser(server, 'owner');
  editor = await newUser(server, 'editor');
  viewer = await newUser(server, 'viewer');
  stranger = await newUser(server, 'stranger');
  admin = await makeAdmin(server, await newUser(server, 'admin'));
});
after(async () => { await server.stop(); server.cleanup(); });

const design = { version: 1, root: { type: 'frame', name: 'Home', children: [{ type: 'text', text: 'Hi' }] } };

async function createProject(extra = {}) {
  const res = await server.api('POST', '/api/v1/projects', {
    token: owner.access,
    json: { title: 'Landing page', description: 'A test', tags: ['web'], designJson: design,
            code: { html: '<h1>Hi</h1>', css: 'h1{}', framework: 'plain' }, ...extra },
  });
  assert.equal(res.status, 201, res.body);
  const id = res.json.id;
  for (const [user, role] of [[editor, 'editor'], [viewer, 'viewer']]) {
    const add = await server.api('POST', `/api/v1/projects/${id}/members`,
                                 { token: owner.access, json: { userId: user.id, role } });
    assert.equal(add.status, 201, add.body);
  }
  return id;
}

test('create, read, update and delete a project', async () => {
  const id = await createProject();
  const got = await server.api('GET', `/api/v1/projects/${id}`, { token: owner.access });
  assert.equal(got.status, 200);
  assert.deepEqual(got.json.designJson, design);
  assert.equal(got.json.code.html, '<h1>Hi</h1>');
  assert.equal(got.json.access, 'owner');
  const upd = await server.api('PATCH', `/api/v1/projects/${id}`,
                               { token: owner.access, json: { title: 'Renamed', tags: ['web', 'landing'] } });
  assert.equal(upd.status, 200);
  assert.equal(upd.json.title, 'Renamed');
  assert.equal(upd.json.revision, got.json.revision + 1);
  const del = await server.api('DELETE', `/api/v1/projects/${id}`, { token: owner.access });
  assert.equal(del.status, 204);
  const gone = await server.api('GET', `/api/v1/projects/${id}`, { token: owner.access });
  assert.equal(gone.status, 404);
});

// Each row: a route, how to call it, and the expected status for each caller. Every cell runs on
// a fresh private project so mutations do not leak between cells.
const callers = () => ({ owner, editor, viewer, stranger, admin, anonymous: null });
const matrix = [
  ['GET project', (id) => ['GET', `/api/v1/projects/${id}`],
   { owner: 200, editor: 200, viewer: 200, stranger: 404, admin: 200, anonymous: 404 }],
  ['PATCH title', (id) => ['PATCH', `/api/v1/projects/${id}`, { title: 'New' }],
   { owner: 200, editor: 200, viewer: 403, stranger: 404, admin: 200, anonymous: 401 }],
  ['PATCH isPublic', (id) => ['PATCH', `/api/v1/projects/${id}`, { isPublic: true }],
   { owner: 200, editor: 403, viewer: 403, stranger: 404, admin: 200, anonymous: 401 }],
  ['DELETE project', (id) => ['DELETE', `/api/v1/projects/${id}`],
   { owner: 204, editor: 403, viewer: 403, stranger: 404, admin: 204, anonymous: 401 }],
  ['GET members', (id) => ['GET', `/api/v1/projects/${id}/members`],
   { owner: 200, editor: 200, viewer: 200, stranger: 404, admin: 200, anonymous: 404 }],
  ['POST member', (id) => ['POST', `/api/v1/projects/${id}/members`, { email: stranger.email, role: 'viewer' }],
   { owner: 201, editor: 403, viewer: 403, stranger: 404, admin: 201, anonymous: 401 }],
  ['PATCH member', (id) => ['PATCH', `/api/v1/projects/${id}/members/${viewer.id}`, { role: 'editor' }],
   { owner: 200, editor: 403, viewer: 403, stranger: 404, admin: 200, anonymous: 401 }],
  ['DELETE member', (id) => ['DELETE', `/api/v1/projects/${id}/members/${editor.id}`],
   { owner: 204, editor: 204, viewer: 403, stranger: 404, admin: 204, anonymous: 401 }],
  ['POST transfer', (id) => ['POST', `/api/v1/projects/${id}/transfer`, { userId: editor.id }],
   { owner: 200, editor: 403, viewer: 403, stranger: 404, admin: 200, anonymous: 401 }],
  ['GET versions', (id) => ['GET', `/api/v1/projects/${id}/versions`],
   { owner: 200, editor: 200, viewer: 200, stranger: 404, admin: 200, anonymous: 404 }],
  ['POST version', (id) => ['POST', `/api/v1/projects/${id}/versions`, { label: 'v' }],
   { owner: 201, editor: 201, viewer: 403, stranger: 404, admin: 201, anonymous: 401 }],
  ['GET version', (id) => ['GET', `/api/v1/projects/${id}/versions/1`],
   { owner: 200, editor: 200, viewer: 200, stranger: 404, admin: 200, anonymous: 404 }],
  ['GET diff', (id) => ['GET', `/api/v1/projects/${id}/versions/1/diff`],
   { owner: 200, editor: 200, viewer: 200, stranger: 404, admin: 200, anonymous: 404 }],
  ['POST restore', (id) => ['POST', `/api/v1/projects/${id}/versions/1/restore`],
   { owner: 200, editor: 200, viewer: 403, stranger: 404, admin: 200, anonymous: 401 }],
];

for (const [name, call, expected] of matrix) {
  test(`authorization matrix: ${name}`, async () => {
    for (const [role, user] of Object.entries(callers())) {
      const id = await createProject();
      const before = await server.api('GET', `/api/v1/projects/${id}`, { token: owner.access });
      const [method, path, json] = call(id);
      const res = await server.api(method, path, { token: user?.access, json });
      assert.equal(res.status, expected[role], `${name} as ${role}: ${res.body}`);
      if (res.status >= 400) {
        assert.ok(res.json.error.code, 'errors use the envelope');
        const after = await server.api('GET', `/api/v1/projects/${id}`, { token: owner.access });
        assert.deepEqual(after.json, before.json, `${name} as ${role} changed nothing`);
      }
    }
  });
}

test('public projects are readable by anyone but writable only by members', async () => {
  const id = await createProject({ isPublic: true });
  assert.equal((await server.api('GET', `/api/v1/projects/${id}`)).status, 200);
  const read = await server.api('GET', `/api/v1/projects/${id}`, { token: stranger.access });
  assert.equal(read.status, 200);
  assert.equal(read.json.access, 'public');
  const write = await server.api('PATCH', `/api/v1/projects/${id}`, { token: stranger.access, json: { title: 'x' } });
  assert.equal(write.status, 403);
  assert.equal((await server.api('GET', `/api/v1/projects/${id}/versions`)).status, 200);
});

test('updates that change design or code record versions; diff and restore work', async () => {
  const id = await createProject();
  const changed = { ...design, root: { ...design.root, name: 'Changed' } };
  const upd = await server.api('PATCH', `/api/v1/projects/${id}`,
                               { token: editor.access, json: { designJson: changed, code: { html: '<h1>Bye</h1>\n<p>x</p>' } } });
  assert.equal(upd.status, 200);
  await server.api('PATCH', `/api/v1/projects/${id}`, { token: editor.access, json: { title: 'only title' } });
  const list = await server.api('GET', `/api/v1/projects/${id}/versions`, { token: viewer.access });
  assert.equal(list.status, 200);
  assert.deepEqual(list.json.items.map((v) => v.number), [2, 1], 'a title-only update records no version');
  const diff = await server.api('GET', `/api/v1/projects/${id}/versions/1/diff?against=2`, { token: viewer.access });
  assert.equal(diff.status, 200);
  assert.equal(diff.json.design.changed, true);
  assert.ok(diff.json.design.paths.includes('/root/name'));
  assert.equal(diff.json.code.html.changed, true);
  assert.equal(diff.json.code.html.linesAdded, 2);
  assert.equal(diff.json.code.html.linesRemoved, 1);
  const restored = await server.api('POST', `/api/v1/projects/${id}/versions/1/restore`, { token: editor.access });
  assert.equal(restored.status, 200);
  assert.deepEqual(restored.json.designJson, design);
  const after = await server.api('GET', `/api/v1/projects/${id}/versions`, { token: viewer.access });
  assert.equal(after.json.items[0].number, 3);
  assert.match(after.json.items[0].label, /restored from 1/);
  const missing = await server.api('GET', `/api/v1/projects/${id}/versions/99`, { token: owner.access });
  assert.equal(missing.status, 404);
  const garbage = await server.api('GET', `/api/v1/projects/${id}/versions/abc`, { token: owner.access });
  assert.equal(garbage.status, 404);
});

test('a stale expectedRevision is refused with 409 and changes nothing', async () => {
  const id = await createProject();
  const cur = await server.api('GET', `/api/v1/projects/${id}`, { token: owner.access });
  const ok = await server.api('PATCH', `/api/v1/projects/${id}`,
                              { token: owner.access, json: { title: 'A', expectedRevision: cur.json.revision } });
  assert.equal(ok.status, 200);
  const stale = await server.api('PATCH', `/api/v1/projects/${id}`,
                                 { token: owner.access, json: { title: 'B', expectedRevision: cur.json.revision } });
  assert.equal(stale.status, 409);
  assert.equal(stale.json.error.code, 'revision_conflict');
  const now = await server.api('GET', `/api/v1/projects/${id}`, { token: owner.access });
  assert.equal(now.json.title, 'A');
});

test('templates: create from a template copies its design and code', async () => {
  const tpl = await createProject({ isTemplate: true, isPublic: true, title: 'Template' });
  const res = await server.api('POST', '/api/v1/projects',
                               { token: stranger.access, json: { fromTemplate: tpl, title: 'Mine' } });
  assert.equal(res.status, 201, res.body);
  assert.deepEqual(res.json.designJson, design);
  assert.equal(res.json.ownerId, stranger.id);
  const notTpl = await createProject();
  const bad = await server.api('POST', '/api/v1/projects', { token: owner.access, json: { fromTemplate: notTpl } });
  assert.equal(bad.status, 400);
  const hidden = await server.api('POST', '/api/v1/projects', { token: stranger.access, json: { fromTemplate: notTpl } });
  assert.equal(hidden.status, 404, 'a private project is not a template for strangers');
});

test('listing: scope, tag, text search and cursor pagination', async () => {
  const lister = await newUser(server, 'lister');
  const made = [];
  for (let i = 0; i < 5; i++) {
    const res = await server.api('POST', '/api/v1/projects', {
      token: lister.access,
      json: { title: `Item ${i} ${i % 2 ? 'Blue' : 'Red'} 50%_off`, tags: [i % 2 ? 'odd' : 'even'], isPublic: i === 0 },
    });
    made.push(res.json.id);
  }
  const first = await server.api('GET', '/api/v1/projects?limit=2', { token: lister.access });
  assert.equal(first.status, 200);
  assert.deepEqual(first.json.items.map((p) => p.id), [made[4], made[3]], 'newest first');
  assert.equal(first.json.items[0].designJson, undefined, 'lists omit content');
  const seen = [...first.json.items.map((p) => p.id)];
  let cursor = first.json.nextCursor;
  while (cursor) {
    const page = await server.api('GET', `/api/v1/projects?limit=2&cursor=${cursor}`, { token: lister.access });
    seen.push(...page.json.items.map((p) => p.id));
    cursor = page.json.nextCursor;
  }
  assert.deepEqual(seen, [...made].reverse());
  const odd = await server.api('GET', '/api/v1/projects?tag=odd', { token: lister.access });
  assert.deepEqual(odd.json.items.map((p) => p.id).sort(), [made[1], made[3]].sort());
  const blue = await server.api('GET', '/api/v1/projects?q=blue', { token: lister.access });
  assert.equal(blue.json.items.length, 2);
  const literal = await server.api('GET', '/api/v1/projects?q=' + encodeURIComponent('0%_'), { token: lister.access });
  assert.equal(literal.json.items.length, 5, '% and _ in q match literally');
  const none = await server.api('GET', '/api/v1/projects?q=' + encodeURIComponent('%'), { token: stranger.access });
  assert.equal(none.json.items.filter((p) => made.includes(p.id)).length, 0);
  const pub = await server.api('GET', '/api/v1/projects?scope=public&owner=' + lister.id);
  assert.deepEqual(pub.json.items.map((p) => p.id), [made[0]]);
  const strangerMine = await server.api('GET', '/api/v1/projects', { token: stranger.access });
  assert.ok(strangerMine.json.items.every((p) => !made.includes(p.id)), 'mine excludes others');
  const bad = await server.api('GET', '/api/v1/projects?scope=everything', { token: lister.access });
  assert.equal(bad.status, 400);
});

test('bad project input is refused with 4xx and stores nothing', async () => {
  const cases = [
    { title: '' }, { title: 5 }, { title: 'x'.repeat(201) }, { title: 'ok', tags: 'web' },
    { title: 'ok', tags: Array(21).fill('t') }, { title: 'ok', designJson: [1, 2] },
    { title: 'ok', code: { html: 1 } }, { title: 'ok', code: { framework: 'svelte' } },
    { title: 'ok', unknown: true }, { title: 'ok', isPublic: 'yes' },
  ];
  const me = await newUser(server, 'bad');
  for (const json of cases) {
    const res = await server.api('POST', '/api/v1/projects', { token: me.access, json });
    assert.equal(res.status, 400, JSON.stringify(json) + ' ' + res.body);
    assert.equal(res.json.error.code, 'validation_failed');
  }
  const list = await server.api('GET', '/api/v1/projects', { token: me.access });
  assert.equal(list.json.items.length, 0);
  const notId = await server.api('GET', '/api/v1/projects/not-an-id', { token: me.access });
  assert.equal(notId.status, 404);
});

test('version history is bounded by --keep-versions', async () => {
  const small = await startServer({ args: ['--keep-versions', '2'] });
  try {
    const me = await newUser(small, 'history');
    const created = await small.api('POST', '/api/v1/projects', { token: me.access, json: { title: 'h', designJson: { n: 0 } } });
    for (let n = 1; n <= 3; n++) {
      const res = await small.api('PATCH', `/api/v1/projects/${created.json.id}`, { token: me.access, json: { designJson: { n } } });
      assert.equal(res.status, 200);
    }
    const list = await small.api('GET', `/api/v1/projects/${created.json.id}/versions`, { token: me.access });
    assert.deepEqual(list.json.items.map((v) => v.number), [4, 3]);
    assert.equal((await small.api('GET', `/api/v1/projects/${created.json.id}/versions/1`, { token: me.access })).status, 404);
  } finally {
    await small.stop();
    small.cleanup();
  }
});
