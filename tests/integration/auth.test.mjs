// Accounts and sessions through the real binary: registration rules, login without user
// enumeration, refresh rotation with the grace window and reuse detection, logout, roles, audit.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, newUser, makeAdmin } from './harness.mjs';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server.stop(); server.cleanup(); });

test('register returns a session and /me shows the user', async () => {
  const user = await newUser(server);
  const me = await server.api('GET', '/api/v1/me', { token: user.access });
  assert.equal(me.status, 200);
  assert.equal(me.json.email, user.email);
  assert.equal(me.json.role, 'user');
  assert.equal(me.json.password_hash, undefined);
  assert.equal(me.json.passwordHash, undefined);
});

test('register refuses weak passwords, bad emails and duplicates with clear 4xx', async () => {
  const weak = await server.api('POST', '/api/v1/auth/register',
                                { json: { email: 'weak@example.com', password: 'short' } });
  assert.equal(weak.status, 400);
  assert.equal(weak.json.error.code, 'validation_failed');
  assert.equal(weak.json.error.details.field, '/password');
  const lazy = await server.api('POST', '/api/v1/auth/register',
                                { json: { email: 'lazy@example.com', password: 'aaaaaaaaaaaa' } });
  assert.equal(lazy.status, 400);
  const email = await server.api('POST', '/api/v1/auth/register',
                                 { json: { email: 'not-an-email', password: 'Correct-Horse-9' } });
  assert.equal(email.status, 400);
  assert.equal(email.json.error.details.field, '/email');
  const user = await newUser(server);
  const again = await server.api('POST', '/api/v1/auth/register',
                                 { json: { email: user.email.toUpperCase(), password: user.password } });
  assert.equal(again.status, 409);
  assert.equal(again.json.error.code, 'email_taken');
  const extra = await server.api('POST', '/api/v1/auth/register',
                                 { json: { email: 'x@example.com', password: 'Correct-Horse-9', role: 'admin' } });
  assert.equal(extra.status, 400, 'unknown fields such as role are refused');
});

test('login gives the same generic error for an unknown email and a wrong password', async () => {
  const user = await newUser(server);
  const wrong = await server.api('POST', '/api/v1/auth/login',
                                 { json: { email: user.email, password: 'Wrong-Password-1' } });
  const unknown = await server.api('POST', '/api/v1/auth/login',
                                   { json: { email: 'nobody-' + user.email, password: 'Wrong-Password-1' } });
  assert.equal(wrong.status, 401);
  assert.equal(unknown.status, 401);
  assert.deepEqual(wrong.json.error, unknown.json.error);
  const ok = await server.api('POST', '/api/v1/auth/login',
                              { json: { email: user.email, password: user.password } });
  assert.equal(ok.status, 200);
  assert.ok(ok.json.accessToken);
});

test('a tampered or garbage access token is refused with invalid_token', async () => {
  const user = await newUser(server);
  const parts = user.access.split('.');
  const payload = JSON.parse(Buffer.from(parts[1], 'base64url'));
  payload.role = 'admin';
  const forged = [parts[0], Buffer.from(JSON.stringify(payload)).toString('base64url'), parts[2]].join('.');
  for (const token of [forged, 'garbage', user.access + 'x',
                       'eyJhbGciOiJub25lIn0.' + parts[1] + '.']) {
    const res = await server.api('GET', '/api/v1/me', { token });
    assert.equal(res.status, 401, token);
    assert.equal(res.json.error.code, 'invalid_token');
  }
  const none = await server.api('GET', '/api/v1/me');
  assert.equal(none.status, 401);
  assert.equal(none.json.error.code, 'unauthorized');
});

test('refresh rotates the token; a concurrent reuse inside the grace window gets the same pair', async () => {
  const user = await newUser(server);
  const first = await server.api('POST', '/api/v1/auth/refresh', { json: { refreshToken: user.refresh } });
  assert.equal(first.status, 200);
  assert.notEqual(first.json.refreshToken, user.refresh);
  // Second tab, same old token, within the grace window: same successor, no logout.
  const second = await server.api('POST', '/api/v1/auth/refresh', { json: { refreshToken: user.refresh } });
  assert.equal(second.status, 200);
  assert.equal(second.json.refreshToken, first.json.refreshToken);
  const next = await server.api('POST', '/api/v1/auth/refresh', { json: { refreshToken: first.json.refreshToken } });
  assert.equal(next.status, 200);
  const me = await server.api('GET', '/api/v1/me', { token: next.json.accessToken });
  assert.equal(me.status, 200);
});

test('reuse of a rotated token after the grace window revokes the whole family', async () => {
  const graceless = await startServer({ args: ['--refresh-grace-ms', '0'] });
  try {
    const user = await newUser(graceless);
    const rotated = await graceless.api('POST', '/api/v1/auth/refresh', { json: { refreshToken: user.refresh } });
    assert.equal(rotated.status, 200);
    const stolen = await graceless.api('POST', '/api/v1/auth/refresh', { json: { refreshToken: user.refresh } });
    assert.equal(stolen.status, 401);
    assert.equal(stolen.json.error.code, 'invalid_refresh_token');
    // The legitimate successor died with the family.
    const victim = await graceless.api('POST', '/api/v1/auth/refresh',
                                       { json: { refreshToken: rotated.json.refreshToken } });
    assert.equal(victim.status, 401);
    // And the reuse is in the audit log.
    const admin = await makeAdmin(graceless, await newUser(graceless, 'admin'));
    const audit = await graceless.api('GET', '/api/v1/admin/audit?event=token_reuse', { token: admin.access });
    assert.equal(audit.status, 200);
    assert.ok(audit.json.items.some((e) => e.subjectId === user.id));
  } finally {
    await graceless.stop();
    graceless.cleanup();
  }
});

test('logout revokes the session; logout?all=true revokes every session', async () => {
  const user = await newUser(server);
  const out = await server.api('POST', '/api/v1/auth/logout', { json: { refreshToken: user.refresh } });
  assert.equal(out.status, 204);
  const dead = await server.api('POST', '/api/v1/auth/refresh', { json: { refreshToken: user.refresh } });
  assert.equal(dead.status, 401);

  const a = await server.api('POST', '/api/v1/auth/login', { json: { email: user.email, password: user.password } });
  const b = await server.api('POST', '/api/v1/auth/login', { json: { email: user.email, password: user.password } });
  const all = await server.api('POST', '/api/v1/auth/logout?all=true', { token: a.json.accessToken });
  assert.equal(all.status, 204);
  for (const session of [a, b]) {
    const res = await server.api('POST', '/api/v1/auth/refresh', { json: { refreshToken: session.json.refreshToken } });
    assert.equal(res.status, 401);
  }
});

test('PATCH /me updates the display name and validates it', async () => {
  const user = await newUser(server);
  const ok = await server.api('PATCH', '/api/v1/me', { token: user.access, json: { displayName: 'Ada' } });
  assert.equal(ok.status, 200);
  assert.equal(ok.json.displayName, 'Ada');
  const bad = await server.api('PATCH', '/api/v1/me', { token: user.access, json: { displayName: 42 } });
  assert.equal(bad.status, 400);
  const long = await server.api('PATCH', '/api/v1/me', { token: user.access, json: { displayName: 'x'.repeat(101) } });
  assert.equal(long.status, 400);
  const me = await server.api('GET', '/api/v1/me', { token: user.access });
  assert.equal(me.json.displayName, 'Ada', 'a refused update changes nothing');
});

test('admins list users and change roles; others get 403; changes are audited', async () => {
  const plain = await newUser(server);
  const admin = await makeAdmin(server, await newUser(server, 'admin'));
  const denied = await server.api('GET', '/api/v1/admin/users', { token: plain.access });
  assert.equal(denied.status, 403);
  const list = await server.api('GET', '/api/v1/admin/users?limit=1', { token: admin.access });
  assert.equal(list.status, 200);
  assert.equal(list.json.items.length, 1);
  assert.ok(list.json.nextCursor);
  const page2 = await server.api('GET', `/api/v1/admin/users?limit=1&cursor=${list.json.nextCursor}`, { token: admin.access });
  assert.notEqual(page2.json.items[0].id, list.json.items[0].id);
  const badCursor = await server.api('GET', '/api/v1/admin/users?cursor=not-a-cursor', { token: admin.access });
  assert.equal(badCursor.status, 400);
  const badLimit = await server.api('GET', '/api/v1/admin/users?limit=100000', { token: admin.access });
  assert.equal(badLimit.status, 400);

  const selfPromote = await server.api('PATCH', `/api/v1/admin/users/${plain.id}`, { token: plain.access, json: { role: 'admin' } });
  assert.equal(selfPromote.status, 403);
  const promote = await server.api('PATCH', `/api/v1/admin/users/${plain.id}`, { token: admin.access, json: { role: 'designer' } });
  assert.equal(promote.status, 200);
  assert.equal(promote.json.role, 'designer');
  const invalid = await server.api('PATCH', `/api/v1/admin/users/${plain.id}`, { token: admin.access, json: { role: 'god' } });
  assert.equal(invalid.status, 400);
  const audit = await server.api('GET', '/api/v1/admin/audit?event=role_changed', { token: admin.access });
  assert.ok(audit.json.items.some((e) => e.subjectId === plain.id && e.details.to === 'designer'));
  const logins = await server.api('GET', '/api/v1/admin/audit?event=login_failed', { token: admin.access });
  assert.equal(logins.status, 200);
});

test('access tokens expire', async () => {
  const shortLived = await startServer({ args: ['--access-token-ttl', '1'] });
  try {
    const user = await newUser(shortLived);
    assert.equal((await shortLived.api('GET', '/api/v1/me', { token: user.access })).status, 200);
    const deadline = Date.now() + 10_000;
    let status = 200;
    while (status === 200 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await shortLived.api('GET', '/api/v1/me', { token: user.access })).status;
    }
    assert.equal(status, 401, 'the token stopped working within its lifetime plus a margin');
    const refreshed = await shortLived.api('POST', '/api/v1/auth/refresh', { json: { refreshToken: user.refresh } });
    assert.equal(refreshed.status, 200);
    assert.equal((await shortLived.api('GET', '/api/v1/me', { token: refreshed.json.accessToken })).status, 200);
  } finally {
    await shortLived.stop();
    shortLived.cleanup();
  }
});

test('ending sessions also ends the access tokens already handed out', async () => {
  const user = await newUser(server);
  const admin = await makeAdmin(server, await newUser(server, 'admin'));
  // A role change: the token that carries the old role stops working.
  const promote = await server.api('PATCH', `/api/v1/admin/users/${user.id}`,
                                   { token: admin.access, json: { role: 'designer' } });
  assert.equal(promote.status, 200);
  const stale = await server.api('GET', '/api/v1/me', { token: user.access });
  assert.equal(stale.status, 401);
  assert.equal(stale.json.error.code, 'invalid_token');
  // A new sign-in carries the new role and works.
  const fresh = await server.api('POST', '/api/v1/auth/login', { json: { email: user.email, password: user.password } });
  assert.equal((await server.api('GET', '/api/v1/me', { token: fresh.json.accessToken })).json.role, 'designer');
  // Signing out everywhere ends that token too.
  assert.equal((await server.api('POST', '/api/v1/auth/logout?all=true', { token: fresh.json.accessToken })).status, 204);
  assert.equal((await server.api('GET', '/api/v1/me', { token: fresh.json.accessToken })).status, 401);
});

test('RS256: tokens verify against the published JWKS with an independent verifier', async () => {
  const { generateKeyPairSync, createPublicKey, verify } = await import('node:crypto');
  const { writeFileSync, mkdtempSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyFile = join(mkdtempSync(join(tmpdir(), 'od-key-')), 'jwt.pem');
  writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const rsa = await startServer({ args: ['--jwt-rsa-key', keyFile] });
  try {
    const user = await newUser(rsa);
    const jwks = await rsa.api('GET', '/.well-known/jwks.json');
    assert.equal(jwks.status, 200);
    assert.equal(jwks.json.keys.length, 1);
    const [header, payload, signature] = user.access.split('.');
    const head = JSON.parse(Buffer.from(header, 'base64url'));
    assert.equal(head.alg, 'RS256');
    const jwk = jwks.json.keys.find((k) => k.kid === head.kid);
    assert.ok(jwk, 'the token names a published key');
    const ok = verify('RSA-SHA256', Buffer.from(`${header}.${payload}`),
                      createPublicKey({ key: jwk, format: 'jwk' }), Buffer.from(signature, 'base64url'));
    assert.ok(ok, 'node:crypto verifies the signature with the JWKS key');
    assert.equal((await rsa.api('GET', '/api/v1/me', { token: user.access })).status, 200);
  } finally {
    await rsa.stop();
    rsa.cleanup();
  }
  const hs = await server.api('GET', '/.well-known/jwks.json');
  assert.deepEqual(hs.json.keys, [], 'HS256 publishes no key');
});
