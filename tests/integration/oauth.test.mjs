// OAuth sign-in with Google and GitHub through the real binary, against a stand-in provider that
// speaks the real protocol (authorization code + PKCE S256) and checks what the server sends.
// The test plays the browser: it follows the Location headers by hand.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import { startServer, newUser } from './harness.mjs';

const clientId = 'od-client';
const clientSecret = 'od-secret-' + randomBytes(4).toString('hex');
const scopes = { google: 'openid email profile', github: 'read:user user:email' };

// A fake provider of `kind` ('google' or 'github'). `fake.user` is who signs in next;
// `fake.deny` makes the user decline; `fake.corruptChallenge` records a wrong PKCE challenge.
async function startFakeProvider(kind) {
  const fake = { user: null, deny: false, corruptChallenge: false, authorizeQueries: [],
                 expectedRedirectUri: '' };
  const codes = new Map();
  const tokens = new Map();
  const send = (res, status, body, headers = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://fake');
    let body = '';
    for await (const chunk of req) body += chunk;
    if (url.pathname === '/authorize') {
      const q = url.searchParams;
      fake.authorizeQueries.push(Object.fromEntries(q));
      if (q.get('response_type') !== 'code' || q.get('client_id') !== clientId ||
          q.get('redirect_uri') !== fake.expectedRedirectUri || q.get('scope') !== scopes[kind] ||
          q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge') ||
          !q.get('state')) {
        return send(res, 400, { error: 'invalid_request' });
      }
      const back = new URL(q.get('redirect_uri'));
      back.searchParams.set('state', q.get('state'));
      if (fake.deny) {
        back.searchParams.set('error', 'access_denied');
      } else {
        const code = randomBytes(16).toString('hex');
        codes.set(code, { challenge: fake.corruptChallenge ? 'wrong' : q.get('code_challenge'),
                          redirectUri: q.get('redirect_uri'), user: fake.user });
        back.searchParams.set('code', code);
      }
      res.writeHead(302, { location: back.toString() });
      return res.end();
    }
    if (url.pathname === '/token' && req.method === 'POST') {
      const form = new URLSearchParams(body);
      const grant = codes.get(form.get('code'));
      codes.delete(form.get('code'));  // codes are single use
      const verifier = form.get('code_verifier') || '';
      const ok = grant && form.get('grant_type') === 'authorization_code' &&
          form.get('client_id') === clientId && form.get('client_secret') === clientSecret &&
          form.get('redirect_uri') === grant.redirectUri &&
          req.headers.accept === 'application/json' &&
          createHash('sha256').update(verifier).digest('base64url') === grant.challenge;
      if (!ok) {
        // GitHub answers a refused code with 200 and an error member; Google with 400.
        return send(res, kind === 'github' ? 200 : 400, { error: 'invalid_grant' });
      }
      const token = randomBytes(16).toString('hex');
      tokens.set(token, grant.user);
      return send(res, 200, { access_token: token, token_type: 'Bearer', scope: scopes[kind] });
    }
    const user = tokens.get((req.headers.authorization || '').replace(/^Bearer /, ''));
    if (!user) return send(res, 401, { message: 'Bad credentials' });
    if (url.pathname === '/userinfo') {
      return send(res, 200, { sub: user.id, email: user.email, email_verified: user.verified,
                              name: user.name });
    }
    if (url.pathname === '/user') {
      return send(res, 200, { id: Number(user.id), login: user.name, name: null, email: null });
    }
    if (url.pathname === '/user/emails') {
      return send(res, 200, [
        { email: `noreply-${user.id}@users.example.com`, verified: user.verified,
          primary: false },
        { email: user.email, verified: user.verified, primary: true },
      ]);
    }
    return send(res, 404, { error: 'not_found' });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${server.address().port}`;
  fake.close = () => new Promise((resolve) => server.close(resolve));
  return fake;
}

let google, github, server;
before(async () => {
  google = await startFakeProvider('google');
  github = await startFakeProvider('github');
  server = await startServer({ args: [
    '--oauth-google-client-id', clientId, '--oauth-google-client-secret', clientSecret,
    '--oauth-google-auth-url', `${google.url}/authorize`,
    '--oauth-google-token-url', `${google.url}/token`,
    '--oauth-google-userinfo-url', `${google.url}/userinfo`,
    '--oauth-github-client-id', clientId, '--oauth-github-client-secret', clientSecret,
    '--oauth-github-auth-url', `${github.url}/authorize`,
    '--oauth-github-token-url', `${github.url}/token`,
    '--oauth-github-userinfo-url', `${github.url}/user`,
    '--oauth-github-emails-url', `${github.url}/user/emails`,
  ] });
  for (const [name, fake] of [['google', google], ['github', github]]) {
    fake.expectedRedirectUri = `http://localhost:${server.port}/api/v1/auth/oauth/${name}/callback`;
  }
});
after(async () => {
  await server.stop();
  server.cleanup();
  await google.close();
  await github.close();
});

let counter = 0;
function providerUser(overrides = {}) {
  const id = String(Date.now() * 100 + ++counter);
  return { id, email: `oauth${id}@example.com`, verified: true, name: `Person ${id}`,
           ...overrides };
}

// The public URL is http://localhost:<port>; the server listens on 127.0.0.1 only.
const onServer = (location) => {
  const url = new URL(location);
  assert.equal(url.origin, `http://localhost:${server.port}`);
  return server.url + url.pathname + url.search;
};

// Starts a sign-in as a browser would: the provider URL, its state, and the cookie the server
// set for this browser (sent back as a Cookie header).
async function startSignIn(provider, query = '') {
  const start = await fetch(`${server.url}/api/v1/auth/oauth/${provider}/start${query}`,
                            { redirect: 'manual' });
  assert.equal(start.status, 302, await start.clone().text());
  const location = start.headers.get('location');
  const setCookie = start.headers.get('set-cookie');
  assert.ok(setCookie, 'start sets the state cookie');
  return { location, state: new URL(location).searchParams.get('state'),
           setCookie, cookie: setCookie.split(';')[0] };
}

// Plays the browser through start -> provider -> callback; returns the callback's response.
// `cookie` overrides what the browser sends back (another browser's, or none with '').
async function signIn(provider, { redirect, cookie } = {}) {
  const query = redirect === undefined ? '' : `?redirect=${encodeURIComponent(redirect)}`;
  const started = await startSignIn(provider, query);
  const atProvider = await fetch(started.location, { redirect: 'manual' });
  assert.equal(atProvider.status, 302, 'the provider accepted the authorize request');
  const callbackUrl = onServer(atProvider.headers.get('location'));
  const sent = cookie === undefined ? started.cookie : cookie;
  const res = await fetch(callbackUrl, { redirect: 'manual',
                                         headers: sent ? { cookie: sent } : {} });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: res.status, location: res.headers.get('location'), json, callbackUrl,
           cookie: started.cookie, setCookie: res.headers.get('set-cookie') };
}

// A password account whose email is verified, through the link the (log) mailer wrote.
async function verifiedAccount() {
  const user = await newUser(server, 'linked');
  const deadline = Date.now() + 10_000;
  let mail;
  while (!mail && Date.now() < deadline) {
    mail = server.logs.find((l) => l.msg === 'mail' && l.to === user.email);
    if (!mail) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.ok(mail, 'the verification mail is in the log');
  const token = /\?token=([A-Za-z0-9_-]+)/.exec(mail.text)[1];
  const res = await server.api('POST', '/api/v1/auth/verify-email', { json: { token } });
  assert.equal(res.status, 200);
  return user;
}

test('lists the configured providers', async () => {
  const res = await server.api('GET', '/api/v1/auth/oauth/providers');
  assert.equal(res.status, 200);
  assert.deepEqual(res.json.providers.map((p) => p.name), ['google', 'github']);
  const unknown = await fetch(`${server.url}/api/v1/auth/oauth/facebook/start`,
                              { redirect: 'manual' });
  assert.equal(unknown.status, 404);
});

test('google: a new user signs in (JSON answer), and again as the same user', async () => {
  google.user = providerUser();
  const first = await signIn('google');
  assert.equal(first.status, 200);
  assert.equal(first.json.user.email, google.user.email);
  assert.equal(first.json.user.emailVerified, true);
  assert.equal(first.json.user.hasPassword, false);
  assert.equal(first.json.user.displayName, google.user.name);
  const me = await server.api('GET', '/api/v1/me', { token: first.json.accessToken });
  assert.equal(me.status, 200);
  assert.equal(me.json.id, first.json.user.id);

  const sent = google.authorizeQueries.at(-1);
  assert.equal(sent.client_id, clientId);
  assert.equal(sent.code_challenge_method, 'S256');
  assert.match(sent.code_challenge, /^[A-Za-z0-9_-]{43}$/);
  assert.match(sent.state, /^[A-Za-z0-9_-]{40,}$/);

  const second = await signIn('google');
  assert.equal(second.status, 200);
  assert.equal(second.json.user.id, first.json.user.id);
  assert.notEqual(second.json.refreshToken, first.json.refreshToken);
});

test('github: the primary verified email, and the tokens in the app redirect fragment', async () => {
  github.user = providerUser();
  const res = await signIn('github', { redirect: '/app/signed-in?x=1' });
  assert.equal(res.status, 302);
  const target = new URL(res.location);
  assert.equal(target.origin + target.pathname + target.search,
               `http://localhost:${server.port}/app/signed-in?x=1`);
  const fragment = new URLSearchParams(target.hash.slice(1));
  assert.ok(Number(fragment.get('expiresIn')) > 0);
  const me = await server.api('GET', '/api/v1/me', { token: fragment.get('accessToken') });
  assert.equal(me.status, 200);
  assert.equal(me.json.email, github.user.email);
  assert.equal(me.json.emailVerified, true);
  const refreshed = await server.api('POST', '/api/v1/auth/refresh',
                                     { json: { refreshToken: fragment.get('refreshToken') } });
  assert.equal(refreshed.status, 200);
  assert.equal(github.authorizeQueries.at(-1).scope, 'read:user user:email');
});

test('an app redirect outside this app is refused before anything happens', async () => {
  for (const redirect of ['https://evil.example/cb', '//evil.example/cb', 'javascript:alert(1)',
                          `http://localhost:${server.port}/cb#frag`,
                          `http://user@localhost:${server.port}/cb`]) {
    const res = await server.api('GET', `/api/v1/auth/oauth/google/start?redirect=${
      encodeURIComponent(redirect)}`);
    assert.equal(res.status, 400, redirect);
    assert.equal(res.json.error.code, 'validation_failed');
  }
});

test('links to an existing account when both sides verified the email', async () => {
  const local = await verifiedAccount();
  google.user = providerUser({ email: local.email });
  const res = await signIn('google');
  assert.equal(res.status, 200);
  assert.equal(res.json.user.id, local.id);
  assert.equal(res.json.user.hasPassword, true);
  const password = await server.api('POST', '/api/v1/auth/login',
                                    { json: { email: local.email, password: local.password } });
  assert.equal(password.status, 200, 'the password still works');
  // The identity is linked now: the same Google user gets the account even after an email change.
  google.user = { ...google.user, email: 'changed-' + local.email };
  const again = await signIn('google');
  assert.equal(again.json.user.id, local.id);
});

test('an email that is not verified on both sides is not linked, and nothing is created',
     async () => {
  const local = await verifiedAccount();
  github.user = providerUser({ email: local.email, verified: false });
  const unverifiedAtProvider = await signIn('github');
  assert.equal(unverifiedAtProvider.status, 409);
  assert.equal(unverifiedAtProvider.json.error.code, 'oauth_email_unverified');

  // A local account nobody verified (perhaps registered by someone else in advance).
  const unverifiedLocal = await newUser(server, 'unverified');
  google.user = providerUser({ email: unverifiedLocal.email });
  const res = await signIn('google');
  assert.equal(res.status, 409);

  // Nothing was linked: the same GitHub user, now verified, links to the account.
  github.user = { ...github.user, verified: true };
  const linked = await signIn('github');
  assert.equal(linked.status, 200);
  assert.equal(linked.json.user.id, local.id);
});

test('a state works once; unknown and missing states are refused', async () => {
  google.user = providerUser();
  const first = await signIn('google');
  assert.equal(first.status, 200);
  const replay = await fetch(first.callbackUrl, { redirect: 'manual',
                                                  headers: { cookie: first.cookie } });
  assert.equal(replay.status, 400);
  assert.equal((await replay.json()).error.code, 'invalid_oauth_state');

  for (const query of ['?code=abc&state=not-a-state', '?code=abc', '']) {
    const res = await server.api('GET', `/api/v1/auth/oauth/google/callback${query}`);
    assert.equal(res.status, 400, query);
    assert.equal(res.json.error.code, 'invalid_oauth_state');
  }
  // A state is bound to its provider.
  const { state, cookie } = await startSignIn('google');
  const crossed = await server.api('GET', `/api/v1/auth/oauth/github/callback?code=x&state=${state}`,
                                   { headers: { cookie } });
  assert.equal(crossed.status, 400);
  assert.equal(crossed.json.error.code, 'invalid_oauth_state');
});

test('a callback link started in another browser signs nobody in (login CSRF)', async () => {
  google.user = providerUser();
  const started = await signIn('google', { cookie: '' });
  assert.equal(started.status, 400);
  assert.equal(started.json.error.code, 'oauth_browser_mismatch');
  assert.equal(started.json.accessToken, undefined);
  // The attacker's own browser state does not help either: the victim holds another one.
  const victim = await startSignIn('google');
  const attacker = await signIn('google', { cookie: victim.cookie });
  assert.equal(attacker.status, 400);
  assert.equal(attacker.json.error.code, 'oauth_browser_mismatch');
  // Nothing was created for the provider's user.
  const register = await server.api('POST', '/api/v1/auth/register',
                                    { json: { email: google.user.email,
                                              password: 'Correct-Horse-9-Battery' } });
  assert.equal(register.status, 201);
});

test('the state cookie is HttpOnly, SameSite=Lax, scoped to the OAuth routes, short-lived', async () => {
  const { setCookie } = await startSignIn('google');
  assert.match(setCookie, /; Path=\/api\/v1\/auth\/oauth;/);
  assert.match(setCookie, /; Max-Age=600;/);
  assert.match(setCookie, /; HttpOnly/);
  assert.match(setCookie, /; SameSite=Lax/);
  assert.doesNotMatch(setCookie, /Secure/, 'the test server is served over http');
  google.user = providerUser();
  const done = await signIn('google');
  assert.equal(done.status, 200);
  assert.match(done.setCookie, /^od_oauth_state=; .*Max-Age=0;/, 'the callback clears it');
});

test('the user declining at the provider is an error, and spends the state', async () => {
  google.user = providerUser();
  google.deny = true;
  try {
    const res = await signIn('google');
    assert.equal(res.status, 400);
    assert.equal(res.json.error.code, 'oauth_denied');
    assert.equal(res.json.error.details.providerError, 'access_denied');
    const url = new URL(res.callbackUrl);
    const state = url.searchParams.get('state');
    const retry = await server.api('GET', `/api/v1/auth/oauth/google/callback?code=x&state=${state}`,
                                   { headers: { cookie: res.cookie } });
    assert.equal(retry.status, 400);
    assert.equal(retry.json.error.code, 'invalid_oauth_state');
  } finally {
    google.deny = false;
  }
});

test('a PKCE mismatch makes the provider refuse the code; no account is made', async () => {
  for (const [name, fake] of [['google', google], ['github', github]]) {
    fake.user = providerUser();
    fake.corruptChallenge = true;
    try {
      const res = await signIn(name);
      assert.equal(res.status, 400, name);
      assert.equal(res.json.error.code, 'oauth_exchange_failed');
    } finally {
      fake.corruptChallenge = false;
    }
    // The email is still free: no user was created for it.
    const register = await server.api('POST', '/api/v1/auth/register',
                                      { json: { email: fake.user.email,
                                                password: 'Correct-Horse-9-Battery' } });
    assert.equal(register.status, 201, name);
  }
});

test('a code the provider does not know (exchange fails) is an error', async () => {
  const { state, cookie } = await startSignIn('github');
  const res = await server.api('GET',
                               `/api/v1/auth/oauth/github/callback?code=forged&state=${state}`,
                               { headers: { cookie } });
  assert.equal(res.status, 400);
  assert.equal(res.json.error.code, 'oauth_exchange_failed');
});

test('providers without a client id are off', async () => {
  const plain = await startServer();
  try {
    const list = await plain.api('GET', '/api/v1/auth/oauth/providers');
    assert.deepEqual(list.json.providers, []);
    const start = await plain.api('GET', '/api/v1/auth/oauth/google/start');
    assert.equal(start.status, 404);
  } finally {
    await plain.stop();
    plain.cleanup();
  }
});
