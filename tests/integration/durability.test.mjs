// Acknowledged writes survive a crash: kill -9 in the middle of a burst of concurrent writes,
// restart on the same storage, and every write that got a 2xx is there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, newUser } from './harness.mjs';

test('kill -9 during a burst of writes loses no acknowledged write', async () => {
  const first = await startServer();
  const user = await newUser(first);
  const acknowledged = [];
  let stop = false;
  const writer = async () => {
    while (!stop) {
      try {
        const res = await first.api('POST', '/api/v1/projects',
                                    { token: user.access, json: { title: `burst ${acknowledged.length}` } });
        if (res.status === 201) acknowledged.push(res.json.id);
      } catch {
        return;  // the connection died with the server
      }
    }
  };
  const writers = Array.from({ length: 8 }, writer);
  // Kill once a good number of writes were acknowledged, while the writers are still going.
  const deadline = Date.now() + 30_000;
  while (acknowledged.length < 200 && Date.now() < deadline) await new Promise((r) => setImmediate(r));
  await first.kill();
  stop = true;
  await Promise.all(writers);
  assert.ok(acknowledged.length >= 200, `only ${acknowledged.length} writes before the deadline`);

  const second = await startServer({ dataDir: first.dataDir, database: first.database });
  try {
    const login = await second.api('POST', '/api/v1/auth/login',
                                   { json: { email: user.email, password: user.password } });
    const token = login.json.accessToken;
    const missing = [];
    for (const id of acknowledged) {
      const res = await second.api('GET', `/api/v1/projects/${id}`, { token });
      if (res.status !== 200) missing.push(id);
    }
    assert.deepEqual(missing, [], `${missing.length} of ${acknowledged.length} acknowledged writes lost`);
  } finally {
    await second.stop();
    second.cleanup();
  }
});
