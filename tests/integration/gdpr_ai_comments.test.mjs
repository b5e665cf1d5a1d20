// The GDPR routes and the data other modules keep about a user: the export holds their AI usage
// rows (one per provider-backed attempt) and every comment they wrote, in any project; deleting
// the account removes the usage rows and leaves their comments in other people's projects
// anonymous, without their id in resolvedBy or mention lists. (archive_gdpr.test.mjs covers the
// rest of the export and of the deletion.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, newUser, makeAdmin, waitFor } from './harness.mjs';
import { startFakeOpenAI } from '../support/fake-openai.mjs';

let fake, server, admin;
before(async () => {
  fake = await startFakeOpenAI();
  server = await startServer({
    rateLimits: 'ip=100000,login=100000,ai=100000',
    args: ['--ai-base-url', fake.url, '--ai-model', 'fake-model', '--ai-api-key', 'sk-it'],
  });
  admin = await makeAdmin(server, await newUser(server, 'admin'));
});
after(async () => {
  if (server) {
    await server.stop();
    server.cleanup();
  }
  if (fake) await fake.close();
});

async function ok(res, status = 200) {
  assert.equal(res.status, status, res.body);
  return res.json;
}

async function refineDone(user) {
  const submitted = await ok(await server.api('POST', '/api/v1/ai/jobs', {
    token: user.access,
    json: { type: 'refine', input: { code: 'let a = 1;', instruction: 'use const' }, dedupe: false },
  }), 202);
  await waitFor('the refine job to finish', async () => {
    const res = await server.api('GET', `/api/v1/ai/jobs/${submitted.jobId}`, { token: user.access });
    return res.json.status === 'done';
  });
  return submitted.jobId;
}

test('export lists AI usage and comments; deletion removes usage and anonymises comments', async () => {
  const leaver = await newUser(server, 'leaver');
  const owner = await newUser(server, 'owner');
  const theirs = await ok(await server.api('POST', '/api/v1/projects',
                                           { token: owner.access, json: { title: 'Shared' } }), 201);
  await ok(await server.api('POST', `/api/v1/projects/${theirs.id}/members`,
                            { token: owner.access, json: { userId: leaver.id, role: 'editor' } }), 201);
  const mine = await ok(await server.api('POST', '/api/v1/projects',
                                         { token: leaver.access, json: { title: 'Mine' } }), 201);
  const comments = (p) => `/api/v1/projects/${p.id}/comments`;
  const thread = await ok(await server.api('POST', comments(theirs), {
    token: leaver.access, json: { body: 'Please look, @' + owner.email, anchor: { nodeId: 'hero' } },
  }), 201);
  const reply = await ok(await server.api('POST', `${comments(theirs)}/${thread.id}/replies`, {
    token: owner.access, json: { body: 'Done, @' + leaver.email },
  }), 201);
  assert.deepEqual(reply.mentions, [leaver.id]);
  await ok(await server.api('POST', `${comments(theirs)}/${thread.id}/resolve`, { token: leaver.access }));
  const note = await ok(await server.api('POST', comments(mine), {
    token: leaver.access, json: { body: 'A note to self', anchor: { nodeId: 'x' } },
  }), 201);
  const jobId = await refineDone(leaver);
  await refineDone(owner);

  const exported = await ok(await server.api('GET', '/api/v1/me/export', { token: leaver.access }));
  assert.equal(exported.aiUsage.length, 1);
  const usage = exported.aiUsage[0];
  assert.equal(usage.jobId, jobId);
  assert.equal(usage.jobType, 'refine');
  assert.equal(usage.model, 'fake-model');
  assert.equal(usage.outcome, 'succeeded');
  assert.ok(usage.promptTokens > 0 && usage.completionTokens > 0, JSON.stringify(usage));
  assert.deepEqual(exported.comments.map((c) => [c.id, c.projectId, c.body]),
                   [[thread.id, theirs.id, thread.body], [note.id, mine.id, 'A note to self']]);
  assert.ok(exported.comments.every((c) => c.authorId === leaver.id));
  // Nothing of another user's: the owner's reply and usage are in their export only.
  const ownersExport = await ok(await server.api('GET', '/api/v1/me/export', { token: owner.access }));
  assert.deepEqual(ownersExport.comments.map((c) => c.id), [reply.id]);
  assert.equal(ownersExport.aiUsage.length, 1);
  assert.notEqual(ownersExport.aiUsage[0].jobId, jobId);

  const usageOf = async (userId) => {
    const all = await ok(await server.api('GET', '/api/v1/admin/usage', { token: admin.access }));
    return all.groups.filter((g) => g.userId === userId);
  };
  assert.equal((await usageOf(leaver.id)).length, 1);

  await ok(await server.api('DELETE', '/api/v1/me', { token: leaver.access, json: { password: leaver.password } }), 204);

  assert.deepEqual(await usageOf(leaver.id), [], 'the usage rows went with the account');
  assert.equal((await usageOf(owner.id)).length, 1, 'other users\' usage stays');
  const after = await ok(await server.api('GET', `${comments(theirs)}/${thread.id}`, { token: owner.access }));
  assert.equal(after.authorId, null);
  assert.equal(after.resolved, true);
  assert.equal(after.resolvedBy, null);
  assert.equal(after.replies.length, 1);
  assert.equal(after.replies[0].authorId, owner.id);
  assert.deepEqual(after.replies[0].mentions, []);
  assert.ok(!JSON.stringify(after).includes(leaver.id), 'the deleted user\'s id is gone');
});
