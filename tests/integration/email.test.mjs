// Email verification and password reset through the real binary and a real SMTP server on
// loopback: the tokens are read from the mails as a user would, links work once, expire, and the
// forgot-password answer does not reveal which emails have accounts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { startServer, newUser, makeAdmin } from './harness.mjs';
import { startMailbox, tokenIn } from './mail.mjs';

let mailbox;
let server;
before(async () => {
  mailbox = await startMailbox();
  server = await startServer({ args: ['--smtp-url', mailbox.url,
                                      '--mail-from', 'Open Design <no-reply@od.test>'] });
});
after(async () => {
  await server.stop();
  server.cleanup();
  await mailbox.close();
});

const newPassword = 'Another-Horse-7-Staple';

test('registration mails a verification link that verifies the email once', async () => {
  const user = await newUser(server);
  const mail = await mailbox.next(user.email);
  assert.equal(mail.from, 'no-reply@od.test');
  assert.equal(mail.mail.subject, 'Confirm your email address');
  assert.equal(mail.mail.from.value[0].address, 'no-reply@od.test');
  assert.equal(mail.mail.from.value[0].name, 'Open Design');
  assert.equal(mail.mail.to.value[0].address, user.email);
  assert.ok(mail.mail.messageId, 'has a Message-ID');
  assert.ok(Math.abs(mail.mail.date - Date.now()) < 5 * 60_000, 'has a current Date');
  assert.match(mail.mail.headers.get('content-type').value, /text\/plain/);
  const token = tokenIn(mail);
  assert.ok(mail.mail.text.includes(`http://localhost:${server.port}/verify-email?token=${token}`));
  assert.ok(mail.mail.text.includes(`code in the app: ${token}`), 'the bare token too');

  const before = await server.api('GET', '/api/v1/me', { token: user.access });
  assert.equal(before.json.emailVerified, false);
  const verified = await server.api('POST', '/api/v1/auth/verify-email', { json: { token } });
  assert.equal(verified.status, 200);
  assert.equal(verified.json.emailVerified, true);
  assert.equal(verified.json.id, user.id);
  const me = await server.api('GET', '/api/v1/me', { token: user.access });
  assert.equal(me.json.emailVerified, true);

  const again = await server.api('POST', '/api/v1/auth/verify-email', { json: { token } });
  assert.equal(again.status, 400);
  assert.equal(again.json.error.code, 'invalid_token');
});

test('verify-email refuses unknown, malformed and missing tokens', async () => {
  for (const body of [{ token: 'not-a-real-token' }, { token: 'x'.repeat(256) }]) {
    const res = await server.api('POST', '/api/v1/auth/verify-email', { json: body });
    assert.equal(res.status, 400);
    assert.equal(res.json.error.code, 'invalid_token');
  }
  for (const body of [{}, { token: 42 }, { token: 'x'.repeat(257) }, { token: 'a', extra: 1 }]) {
    const res = await server.api('POST', '/api/v1/auth/verify-email', { json: body });
    assert.equal(res.status, 400, JSON.stringify(body));
    assert.equal(res.json.error.code, 'validation_failed');
  }
});

test('a signed-in user can ask for a new verification mail, whose link verifies', async () => {
  const anonymous = await server.api('POST', '/api/v1/auth/verify-email/request');
  assert.equal(anonymous.status, 401);
  const user = await newUser(server);
  const first = tokenIn(await mailbox.next(user.email));
  const res = await server.api('POST', '/api/v1/auth/verify-email/request', { token: user.access });
  assert.equal(res.status, 204);
  const second = tokenIn(await mailbox.next(user.email));
  assert.notEqual(first, second);
  const ok = await server.api('POST', '/api/v1/auth/verify-email', { json: { token: second } });
  assert.equal(ok.status, 200);
  assert.equal(ok.json.emailVerified, true);
});

test('forgot + reset: new password works, old one and old sessions do not, link is single use',
     async () => {
  const user = await newUser(server);
  await mailbox.next(user.email);  // the verification mail
  const forgot = await server.api('POST', '/api/v1/auth/password/forgot',
                                  { json: { email: user.email.toUpperCase() } });
  assert.equal(forgot.status, 202);
  const mail = await mailbox.next(user.email);
  assert.equal(mail.mail.subject, 'Reset your Open Design password');
  const token = tokenIn(mail);
  assert.ok(mail.mail.text.includes(`/reset-password?token=${token}`));

  // A weak password is refused and does not spend the link.
  const weak = await server.api('POST', '/api/v1/auth/password/reset',
                                { json: { token, password: 'short' } });
  assert.equal(weak.status, 400);
  assert.equal(weak.json.error.details.field, '/password');

  const reset = await server.api('POST', '/api/v1/auth/password/reset',
                                 { json: { token, password: newPassword } });
  assert.equal(reset.status, 204);
  const oldLogin = await server.api('POST', '/api/v1/auth/login',
                                    { json: { email: user.email, password: user.password } });
  assert.equal(oldLogin.status, 401);
  const newLogin = await server.api('POST', '/api/v1/auth/login',
                                    { json: { email: user.email, password: newPassword } });
  assert.equal(newLogin.status, 200);
  const oldRefresh = await server.api('POST', '/api/v1/auth/refresh',
                                      { json: { refreshToken: user.refresh } });
  assert.equal(oldRefresh.status, 401, 'sessions from before the reset are revoked');

  const reused = await server.api('POST', '/api/v1/auth/password/reset',
                                  { json: { token, password: 'Third-Horse-5-Battery' } });
  assert.equal(reused.status, 400);
  assert.equal(reused.json.error.code, 'invalid_token');
  const stillNew = await server.api('POST', '/api/v1/auth/login',
                                    { json: { email: user.email, password: newPassword } });
  assert.equal(stillNew.status, 200);

  const admin = await makeAdmin(server, await newUser(server, 'admin'));
  const audit = await server.api('GET', '/api/v1/admin/audit?event=password_reset',
                                 { token: admin.access });
  assert.ok(audit.json.items.some((e) => e.subjectId === user.id));
});

test('a verification token does not reset a password, nor the other way round', async () => {
  const user = await newUser(server);
  const verifyToken = tokenIn(await mailbox.next(user.email));
  const res = await server.api('POST', '/api/v1/auth/password/reset',
                               { json: { token: verifyToken, password: newPassword } });
  assert.equal(res.status, 400);
  assert.equal(res.json.error.code, 'invalid_token');
  await server.api('POST', '/api/v1/auth/password/forgot', { json: { email: user.email } });
  const resetToken = tokenIn(await mailbox.next(user.email));
  const verify = await server.api('POST', '/api/v1/auth/verify-email', { json: { token: resetToken } });
  assert.equal(verify.status, 400);
});

test('forgot answers the same for unknown emails and mails nothing to them', async () => {
  const unknown = `nobody-${Date.now()}@example.com`;
  const user = await newUser(server);
  await mailbox.next(user.email);
  const a = await server.api('POST', '/api/v1/auth/password/forgot', { json: { email: unknown } });
  const b = await server.api('POST', '/api/v1/auth/password/forgot', { json: { email: user.email } });
  assert.equal(a.status, 202);
  assert.equal(b.status, 202);
  assert.deepEqual(a.json, b.json);
  // Mails leave in order: once the known account's mail is here, a mail to the unknown address
  // would have arrived before it.
  await mailbox.next(user.email);
  assert.equal(mailbox.count(unknown), 0);

  const bad = await server.api('POST', '/api/v1/auth/password/forgot', { json: { email: 'nope' } });
  assert.equal(bad.status, 400);
  const missing = await server.api('POST', '/api/v1/auth/password/forgot', { json: {} });
  assert.equal(missing.status, 400);
});

test('reset links expire', async () => {
  const shortLived = await startServer({ args: ['--smtp-url', mailbox.url,
                                                '--reset-token-ttl', '1'] });
  try {
    const user = await newUser(shortLived);
    await mailbox.next(user.email);
    await shortLived.api('POST', '/api/v1/auth/password/forgot', { json: { email: user.email } });
    const token = tokenIn(await mailbox.next(user.email));
    // Not synchronisation: the link's lifetime (1 s) has to pass on the wall clock.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const res = await shortLived.api('POST', '/api/v1/auth/password/reset',
                                     { json: { token, password: newPassword } });
    assert.equal(res.status, 400);
    assert.equal(res.json.error.code, 'invalid_token');
    const login = await shortLived.api('POST', '/api/v1/auth/login',
                                       { json: { email: user.email, password: user.password } });
    assert.equal(login.status, 200, 'the password is unchanged');
  } finally {
    await shortLived.stop();
    shortLived.cleanup();
  }
});

test('an unreachable SMTP server does not make registration fail; the failure is logged',
     async () => {
  const closedPort = await new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
  const broken = await startServer({ args: ['--smtp-url', `smtp://127.0.0.1:${closedPort}`] });
  try {
    const user = await newUser(broken);
    const me = await broken.api('GET', '/api/v1/me', { token: user.access });
    assert.equal(me.status, 200);
    const deadline = Date.now() + 15_000;
    let logged = false;
    while (!logged && Date.now() < deadline) {
      logged = broken.logs.some((l) => l.msg === 'mail not sent' && l.to === user.email);
      if (!logged) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.ok(logged, 'the failed delivery is in the log');
  } finally {
    await broken.stop();
    broken.cleanup();
  }
});
