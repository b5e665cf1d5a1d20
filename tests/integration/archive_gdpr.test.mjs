// Project export/import as ZIP, and the GDPR routes (data export, account deletion), through the
// real binary.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { crc32, deflateRawSync } from 'node:zlib';
import { startServer, newUser, makeAdmin, statusForDeclaredBody } from './harness.mjs';

let server, owner, viewer, stranger, admin;
before(async () => {
  server = await startServer();
  owner = await newUser(server, 'owner');
  viewer = await newUser(server, 'viewer');
  stranger = await newUser(server, 'stranger');
  admin = await makeAdmin(server, await newUser(server, 'admin'));
});
after(async () => { await server.stop(); server.cleanup(); });

const design = { version: 1, root: { type: 'frame', name: 'Home', children: [{ type: 'text', text: 'Hi ✓' }] } };

async function createProject(user, extra = {}) {
  const res = await server.api('POST', '/api/v1/projects', {
    token: user.access,
    json: { title: 'Landing Page', description: 'For export', tags: ['web', 'zip'], designJson: design,
            code: { html: '<h1>Hi</h1>', css: 'h1{}', js: 'console.log(1)', framework: 'react' }, ...extra },
  });
  assert.equal(res.status, 201, res.body);
  return res.json;
}

async function addMember(project, by, user, role) {
  const res = await server.api('POST', `/api/v1/projects/${project.id}/members`,
                               { token: by.access, json: { userId: user.id, role } });
  assert.equal(res.status, 201, res.body);
}

async function download(path, token) {
  const res = await fetch(server.url + path, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

function upload(bytes, token, contentType = 'application/zip') {
  return server.api('POST', '/api/v1/projects/import',
                    { token, body: bytes, headers: { 'content-type': contentType } });
}

// A ZIP writer for hostile test archives: entries are { name, data, method: 'store'|'deflate',
// declaredSize, unixMode }.
function zip(entries) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const data = Buffer.isBuffer(e.data) ? e.data : Buffer.from(e.data, 'utf8');
    const deflate = e.method !== 'store';
    const body = deflate ? deflateRawSync(data) : data;
    const size = e.declaredSize ?? data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);  // UTF-8 names
    local.writeUInt16LE(deflate ? 8 : 0, 8);
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(e.unixMode ? 0x0314 : 20, 4);  // made by Unix when a mode is given
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(deflate ? 8 : 0, 10);
    central.writeUInt32LE(crc32(data), 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(((e.unixMode ?? 0) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

// The entry names in a ZIP's central directory.
function entryNames(bytes) {
  const end = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  let at = bytes.readUInt32LE(end + 16);
  const names = [];
  for (let i = 0; i < bytes.readUInt16LE(end + 10); ++i) {
    const nameLength = bytes.readUInt16LE(at + 28);
    names.push(bytes.subarray(at + 46, at + 46 + nameLength).toString('utf8'));
    at += 46 + nameLength + bytes.readUInt16LE(at + 30) + bytes.readUInt16LE(at + 32);
  }
  return names;
}

const manifest = (extra = {}) => JSON.stringify({
  format: 'opendesign-project', formatVersion: 1, title: 'Hand made', framework: 'plain',
  files: ['design.json'], ...extra });

async function myProjectIds(user) {
  const res = await server.api('GET', '/api/v1/projects?scope=mine&limit=100', { token: user.access });
  assert.equal(res.status, 200);
  return res.json.items.map((p) => p.id).sort();
}

test('export: owner and members download a ZIP, strangers get 404, anonymous only on public', async () => {
  const project = await createProject(owner);
  await addMember(project, owner, viewer, 'viewer');
  const path = `/api/v1/projects/${project.id}/export`;
  const mine = await download(path, owner.access);
  assert.equal(mine.status, 200);
  assert.equal(mine.headers.get('content-type'), 'application/zip');
  assert.equal(mine.headers.get('content-disposition'), 'attachment; filename="landing-page.zip"');
  assert.deepEqual(entryNames(mine.bytes).sort(),
                   ['design.json', 'index.html', 'manifest.json', 'src/App.css', 'src/App.jsx']);
  assert.equal((await download(path, viewer.access)).status, 200);
  assert.equal((await download(path, stranger.access)).status, 404);
  assert.equal((await download(path)).status, 404);
  assert.equal((await download(`/api/v1/projects/${project.id}/export?history=maybe`, owner.access)).status, 400);

  const open = await createProject(owner, { isPublic: true });
  assert.equal((await download(`/api/v1/projects/${open.id}/export`)).status, 200);
  assert.equal((await download(`/api/v1/projects/${open.id}/export`, stranger.access)).status, 200);
});

test('export with history puts every version under versions/N/', async () => {
  const project = await createProject(owner);
  const upd = await server.api('PATCH', `/api/v1/projects/${project.id}`,
                               { token: owner.access, json: { code: { html: '<h2>v2</h2>', framework: 'plain' } } });
  assert.equal(upd.status, 200, upd.body);
  const res = await download(`/api/v1/projects/${project.id}/export?history=true`, owner.access);
  assert.equal(res.status, 200);
  const names = entryNames(res.bytes);
  for (const name of ['versions/1/version.json', 'versions/1/src/App.jsx', 'versions/2/version.json',
                      'versions/2/index.html']) {
    assert.ok(names.includes(name), `${name} in ${names}`);
  }
  const plain = entryNames((await download(`/api/v1/projects/${project.id}/export`, owner.access)).bytes);
  assert.ok(!plain.some((n) => n.startsWith('versions/')));
});

test('import: an exported project comes back as a new private project owned by the caller', async () => {
  const source = await createProject(owner, { isPublic: true });
  const archive = await download(`/api/v1/projects/${source.id}/export?history=true`, owner.access);
  const res = await upload(archive.bytes, viewer.access);
  assert.equal(res.status, 201, res.body);
  assert.notEqual(res.json.id, source.id);
  assert.equal(res.json.ownerId, viewer.id);
  assert.equal(res.json.access, 'owner');
  assert.equal(res.json.isPublic, false, 'importing never publishes');
  for (const field of ['title', 'description', 'tags', 'designJson', 'code', 'isTemplate']) {
    assert.deepEqual(res.json[field], source[field], field);
  }
  const got = await server.api('GET', `/api/v1/projects/${res.json.id}`, { token: viewer.access });
  assert.deepEqual(got.json.designJson, design);
  const versions = await server.api('GET', `/api/v1/projects/${res.json.id}/versions`, { token: viewer.access });
  assert.deepEqual(versions.json.items.map((v) => [v.number, v.label]), [[1, 'imported']]);
  assert.equal((await server.api('GET', `/api/v1/projects/${res.json.id}`, { token: owner.access })).status, 404);
});

test('import: bad archives get a 4xx naming the problem, and create nothing', async () => {
  const user = await newUser(server, 'importer');
  const good = [{ name: 'manifest.json', data: manifest() }, { name: 'design.json', data: '{"a":1}' }];
  assert.equal((await upload(zip(good), user.access)).status, 201, 'the base archive is valid');
  const baseline = await myProjectIds(user);
  const cases = [
    ['not a zip', Buffer.from('hello, not a zip'), 400, 'invalid_archive'],
    ['truncated', zip(good).subarray(0, 60), 400, 'invalid_archive'],
    ['zip slip', zip([...good, { name: '../evil.js', data: 'x' }]), 422, 'unsafe_archive_entry', '../evil.js'],
    ['absolute', zip([...good, { name: '/etc/cron.d/x', data: 'x' }]), 422, 'unsafe_archive_entry', '/etc/cron.d/x'],
    ['backslashes', zip([...good, { name: 'a\\..\\b', data: 'x' }]), 422, 'unsafe_archive_entry', 'a\\..\\b'],
    ['symlink', zip([...good, { name: 'link', data: '/etc/passwd', unixMode: 0o120777 }]), 422,
     'unsafe_archive_entry', 'link'],
    ['duplicate', zip([...good, { name: 'design.json', data: '{}' }]), 422, 'unsafe_archive_entry', 'design.json'],
    ['no manifest', zip([good[1]]), 422, 'invalid_project_archive', 'manifest.json'],
    ['bad manifest', zip([{ name: 'manifest.json', data: manifest({ formatVersion: 9 }) }, good[1]]), 422,
     'invalid_project_archive', 'manifest.json'],
    ['malformed design', zip([good[0], { name: 'design.json', data: '{"a":' }]), 422,
     'invalid_project_archive', 'design.json'],
    ['deep design', zip([good[0], { name: 'design.json', data: '{"a":' + '['.repeat(500) + ']'.repeat(500) + '}' }]),
     422, 'invalid_project_archive', 'design.json'],
    ['zip bomb', zip([good[0], { name: 'design.json', data: Buffer.alloc(50_000_000) }]), 413,
     'archive_too_large', 'design.json'],
    ['lying bomb', zip([good[0], { name: 'design.json', data: Buffer.alloc(50_000_000), declaredSize: 10 }]), 413,
     'archive_too_large', 'design.json'],
    // The limit is 10,200 entries (10,000 assets plus the project's own files and history).
    ['too many entries', zip([...good, ...Array.from({ length: 10_199 }, (_, i) => ({ name: `versions/${i}/x`, data: 'x' }))]),
     413, 'archive_too_large'],
  ];
  for (const [name, bytes, status, code, entry] of cases) {
    const res = await upload(bytes, user.access);
    assert.equal(res.status, status, `${name}: ${res.body}`);
    assert.equal(res.json.error.code, code, name);
    if (entry) assert.equal(res.json.error.details.entry, entry, name);
  }
  assert.equal((await upload(zip(good), user.access, 'application/json')).status, 415);
  assert.equal((await upload(zip(good), null)).status, 401);
  // Past the archive limit (2 GiB by default), refused on the declared length alone.
  assert.equal(await statusForDeclaredBody(server, 'POST', '/api/v1/projects/import', 3 * 1024 ** 3, {
    authorization: `Bearer ${user.access}`, 'content-type': 'application/zip' }), 413);
  assert.deepEqual(await myProjectIds(user), baseline, 'no project was created');
});

// Every key in a JSON value, at any depth.
function allKeys(value, out = []) {
  if (Array.isArray(value)) value.forEach((v) => allKeys(v, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) { out.push(k); allKeys(v, out); }
  }
  return out;
}

test('GDPR export holds the user\'s data and no secrets', async () => {
  const user = await newUser(server, 'gdpr');
  const other = await newUser(server, 'other');
  const project = await createProject(user);
  await server.api('PATCH', `/api/v1/projects/${project.id}`,
                   { token: user.access, json: { designJson: { changed: true } } });
  const theirs = await createProject(other);
  await addMember(theirs, other, user, 'viewer');

  const res = await server.api('GET', '/api/v1/me/export', { token: user.access });
  assert.equal(res.status, 200, res.body);
  assert.match(res.headers.get('content-disposition'), /^attachment; filename="opendesign-data-.*\.json"$/);
  const data = res.json;
  assert.equal(data.profile.id, user.id);
  assert.equal(data.profile.email, user.email);
  assert.deepEqual(data.projects.map((p) => p.id), [project.id]);
  assert.deepEqual(data.projects[0].designJson, { changed: true });
  assert.deepEqual(data.projects[0].code, project.code);
  assert.deepEqual(data.projects[0].versions.map((v) => v.number), [2, 1]);
  assert.deepEqual(data.projects[0].versions[1].designJson, design);
  assert.deepEqual(data.memberships.map((m) => [m.projectId, m.role]), [[theirs.id, 'viewer']]);
  assert.equal(data.sessions.length, 1);
  assert.ok(data.sessions[0].createdAt && data.sessions[0].expiresAt);
  assert.ok(data.audit.some((e) => e.event === 'register' && e.subjectId === user.id));
  assert.deepEqual(data.identities, []);

  const forbidden = /^(password|passwordHash|password_hash|hash|tokenHash|token_hash|refreshToken|refresh_token|accessToken|token|successorSealed)$/i;
  const leaked = allKeys(data).filter((k) => forbidden.test(k) || /hash$/i.test(k));
  assert.deepEqual(leaked, []);
  assert.ok(!res.body.includes(user.refresh), 'the refresh token is not in the export');
  assert.ok(!res.body.includes(user.password), 'the password is not in the export');
  assert.ok(!res.body.includes('$argon2'), 'no password hash in the export');
  assert.equal((await server.api('GET', '/api/v1/me/export')).status, 401);
});

test('account deletion needs the password and removes the user and what they own', async () => {
  const user = await newUser(server, 'leaver');
  const collaborator = await newUser(server, 'collab');
  const privateProject = await createProject(user);
  const publicProject = await createProject(user, { isPublic: true });
  await addMember(privateProject, user, collaborator, 'editor');
  const collaboratorsOwn = await createProject(collaborator);
  await addMember(collaboratorsOwn, collaborator, user, 'editor');

  for (const json of [{ password: 'wrong-Password-1' }, {}, undefined]) {
    const wrong = await server.api('DELETE', '/api/v1/me', { token: user.access, json });
    assert.equal(wrong.status, 401, wrong.body);
    assert.equal(wrong.json.error.code, 'invalid_credentials');
  }
  assert.equal((await server.api('DELETE', '/api/v1/me', { token: user.access, json: { nope: 1 } })).status, 400);
  assert.equal((await server.api('DELETE', '/api/v1/me', { json: { password: user.password } })).status, 401);
  assert.equal((await server.api('GET', '/api/v1/me', { token: user.access })).status, 200, 'nothing deleted');
  assert.equal((await server.api('GET', `/api/v1/projects/${privateProject.id}`,
                                 { token: collaborator.access })).status, 200);

  const del = await server.api('DELETE', '/api/v1/me', { token: user.access, json: { password: user.password } });
  assert.equal(del.status, 204, del.body);

  assert.equal((await server.api('GET', '/api/v1/me', { token: user.access })).status, 401);
  assert.equal((await server.api('GET', '/api/v1/me/export', { token: user.access })).status, 401);
  const create = await server.api('POST', '/api/v1/projects', { token: user.access, json: { title: 'x' } });
  assert.equal(create.status, 401, 'a leftover access token cannot create projects');
  const refresh = await server.api('POST', '/api/v1/auth/refresh', { json: { refreshToken: user.refresh } });
  assert.equal(refresh.status, 401);
  const login = await server.api('POST', '/api/v1/auth/login', { json: { email: user.email, password: user.password } });
  assert.equal(login.status, 401);
  for (const project of [privateProject, publicProject]) {
    for (const token of [collaborator.access, admin.access, undefined]) {
      const res = await server.api('GET', `/api/v1/projects/${project.id}`, { token });
      assert.equal(res.status, 404, `${project.title} is gone`);
    }
    const versions = await server.api('GET', `/api/v1/projects/${project.id}/versions`, { token: admin.access });
    assert.equal(versions.status, 404);
  }
  // The collaborator's own project stays, without the deleted member.
  const kept = await server.api('GET', `/api/v1/projects/${collaboratorsOwn.id}`, { token: collaborator.access });
  assert.equal(kept.status, 200);
  assert.deepEqual(kept.json.designJson, design);
  const members = await server.api('GET', `/api/v1/projects/${collaboratorsOwn.id}/members`,
                                   { token: collaborator.access });
  assert.deepEqual(members.json.items, []);
  const export2 = await server.api('GET', '/api/v1/me/export', { token: collaborator.access });
  assert.deepEqual(export2.json.memberships, [], 'no membership in the deleted projects');
  // The email is free again, and the security log kept the deletion.
  const audit = await server.api('GET', '/api/v1/admin/audit?event=user_deleted', { token: admin.access });
  assert.ok(audit.json.items.some((e) => e.subjectId === user.id && e.actorId === user.id));
  const again = await server.api('POST', '/api/v1/auth/register', { json: { email: user.email, password: user.password } });
  assert.equal(again.status, 201);
  assert.notEqual(again.json.user.id, user.id);
});
