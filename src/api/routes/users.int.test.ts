import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, startApiHarness, type ApiHarness } from '../../testing/api-harness.js';
import { testDialects } from '../../testing/databases.js';
import { runKoppel } from '../../testing/run-koppel.js';

describe.each(testDialects)('users, API tokens and the audit log (%s)', (dialect) => {
  let h: ApiHarness;
  let owner: ApiClient;
  beforeAll(async () => {
    h = await startApiHarness(dialect);
    owner = await h.signedIn('owner', { email: 'boss@koppel.test' });
  });
  afterAll(async () => {
    await h?.close();
  });

  const useLink = async (url: string, password: string) => {
    const client = new ApiClient(h.url);
    const answer = await client.post('/api/setup', {
      token: new URL(url).searchParams.get('token'),
      password,
    });
    if (answer.status === 200) client.csrfToken = answer.body.csrfToken;
    return { client, answer };
  };

  it('invites a user with a one-time link; they choose a password and get exactly their role', async () => {
    const invited = await owner.post('/api/users', { email: 'Viewer@Koppel.test', role: 'viewer' });
    expect(invited.status).toBe(201);
    expect(invited.body.user).toMatchObject({
      email: 'viewer@koppel.test',
      role: 'viewer',
      hasPassword: false,
    });
    expect(invited.body.setupLink.url).toMatch(new RegExp(`^${h.url}/setup\\?token=`));
    // The page names whom the link is for.
    const page = await new ApiClient(h.url).get(
      new URL(invited.body.setupLink.url).pathname + new URL(invited.body.setupLink.url).search,
    );
    expect(page.status).toBe(200);
    expect(page.body).toContain('viewer@koppel.test');
    const { client, answer } = await useLink(invited.body.setupLink.url, 'the viewer password');
    expect(answer.body.principal).toMatchObject({ name: 'viewer@koppel.test', role: 'viewer' });
    expect((await client.get('/api/status')).status).toBe(200);
    expect((await client.post('/api/flows/x/runs')).status).toBe(403);
    expect((await client.get('/api/users')).status).toBe(403);
    // Used once, the link is spent.
    expect((await useLink(invited.body.setupLink.url, 'another password')).answer.status).toBe(401);
    const signIn = await new ApiClient(h.url).signIn('viewer@koppel.test', 'the viewer password');
    expect(signIn.status).toBe(200);
  });

  it('refuses a password that is too short, naming the field', async () => {
    const invited = await owner.post('/api/users', { email: 'short@koppel.test', role: 'operator' });
    const { answer } = await useLink(invited.body.setupLink.url, 'short');
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code: 'auth.weak_password', details: { field: 'password' } });
  });

  it('ends the sessions of a user whose role changes, and never removes the last owner', async () => {
    const operator = await h.signedIn('operator');
    const me = (await operator.get('/api/session')).body.principal;
    expect((await owner.patch(`/api/users/${me.id}`, { role: 'viewer' })).body.role).toBe('viewer');
    expect((await operator.get('/api/status')).status).toBe(401);
    const boss = (await owner.get('/api/session')).body.principal;
    const second = await owner.post('/api/users', { email: 'second-owner@koppel.test', role: 'owner' });
    expect((await owner.delete(`/api/users/${second.body.user.id}`)).status).toBe(204);
    const others = (await owner.get('/api/users')).body.items.filter(
      (u: { role: string; id: string }) => u.role === 'owner' && u.id !== boss.id,
    );
    expect(others).toEqual([]);
    const last = await owner.patch(`/api/users/${boss.id}`, { role: 'operator' });
    expect(last.status).toBe(409);
    expect(last.body.error.code).toBe('users.last_owner');
    expect((await owner.delete(`/api/users/${boss.id}`)).status).toBe(409);
  });

  it('refuses viewers and operators every control of the settings pages', async () => {
    const target = (await owner.post('/api/users', { email: 'target@koppel.test', role: 'viewer' })).body
      .user;
    const token = (await owner.post('/api/tokens', { name: 'target', role: 'viewer' })).body.apiToken;
    for (const role of ['viewer', 'operator'] as const) {
      const client = await h.signedIn(role);
      const answers = [
        await client.get('/api/users'),
        await client.post('/api/users', { email: `${role}-invite@koppel.test`, role: 'owner' }),
        await client.patch(`/api/users/${target.id}`, { role: 'owner' }),
        await client.post(`/api/users/${target.id}/setup-link`),
        await client.delete(`/api/users/${target.id}`),
        await client.get('/api/tokens'),
        await client.post('/api/tokens', { name: 'mine', role: 'viewer' }),
        await client.delete(`/api/tokens/${token.id}`),
        await client.get('/api/audit'),
        await client.put('/api/settings/retention', { value: { payloadDays: 1 } }),
        await client.post('/api/purge'),
      ];
      expect(answers.map((a) => [a.status, a.body.error.code])).toEqual(
        answers.map(() => [403, 'auth.forbidden']),
      );
    }
    expect((await owner.get(`/api/users/${target.id}`)).body.role).toBe('viewer');
    const tokens = (await owner.get('/api/tokens')).body.items;
    expect(tokens.find((t: { id: string }) => t.id === token.id).revokedAt).toBeNull();
  });

  it('keeps users and tokens to owners who see every pair', async () => {
    const scoped = await h.signedIn('owner', { pairScope: ['somewhere'] });
    expect((await scoped.get('/api/users')).status).toBe(403);
    expect((await scoped.post('/api/tokens', { name: 'x', role: 'viewer' })).status).toBe(403);
  });

  it('shows a new API token once, stores only its hash, and stops it when revoked', async () => {
    const created = await owner.post('/api/tokens', { name: 'ci', role: 'operator' });
    expect(created.status).toBe(201);
    const token = created.body.token as string;
    expect(token).toMatch(/^kpl_/);
    const ci = new ApiClient(h.url, token);
    expect((await ci.get('/api/status')).status).toBe(200);
    const listed = await owner.get('/api/tokens');
    expect(JSON.stringify(listed.body)).not.toContain(token);
    const row = listed.body.items.find((t: { id: string }) => t.id === created.body.apiToken.id);
    expect(row).toMatchObject({ name: 'ci', role: 'operator', revokedAt: null });
    expect(row.lastUsedAt).not.toBeNull();
    const stored = await h.app.store.db.selectFrom('api_tokens').selectAll().execute();
    expect(JSON.stringify(stored)).not.toContain(token);
    expect((await owner.delete(`/api/tokens/${row.id}`)).status).toBe(204);
    const refused = await ci.get('/api/status');
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('auth.bad_token');
  });

  it('gives no token more than its maker has', async () => {
    const created = await owner.post('/api/tokens', { name: 'viewer-bot', role: 'viewer' });
    const bot = new ApiClient(h.url, created.body.token);
    expect((await bot.post('/api/tokens', { name: 'escalate', role: 'owner' })).status).toBe(403);
  });

  it('writes who changed what, when and from where in the audit log', async () => {
    const log = await owner.get('/api/audit?limit=200');
    expect(log.status).toBe(200);
    const actions = log.body.items.map((e: { action: string }) => e.action);
    for (const action of [
      'user.add',
      'user.update',
      'user.remove',
      'token.create',
      'token.revoke',
      'session.start',
    ])
      expect(actions).toContain(action);
    const add = log.body.items.find((e: { action: string }) => e.action === 'token.create');
    expect(add.actor.name).toBe('boss@koppel.test');
    expect(add.ip).toBe('127.0.0.1');
    expect(JSON.stringify(log.body)).not.toMatch(/kpl_/);
  });

  it('adds users and tokens from the shell, printing the link and the token once', async () => {
    const env = { KOPPEL_PORT: new URL(h.url).port };
    const added = await runKoppel(h, ['users', 'add', 'shell@koppel.test', '--role', 'operator'], { env });
    expect(added.code).toBe(0);
    const link = /(http:\/\/\S+\/setup\?token=\S+)/.exec(added.out)?.[1];
    expect(link).toBeDefined();
    expect((await useLink(link!, 'the shell password')).answer.body.principal.role).toBe('operator');
    expect(
      (await runKoppel(h, ['users', 'add', 'shell@koppel.test', '--role', 'viewer'], { env })).code,
    ).toBe(4);
    expect((await runKoppel(h, ['users', 'add', 'x@koppel.test', '--role', 'king'], { env })).code).toBe(2);
    const created = await runKoppel(h, ['tokens', 'create', '--name', 'backup', '--role', 'viewer'], { env });
    expect(created.code).toBe(0);
    const token = created.out.trim();
    expect(token).toMatch(/^kpl_\S+$/);
    expect((await new ApiClient(h.url, token).get('/api/status')).status).toBe(200);
    const listed = await runKoppel(h, ['tokens', 'list', '--json'], { env });
    expect(listed.out).not.toContain(token);
    const id = (JSON.parse(listed.out) as Array<{ id: string; name: string }>).find(
      (t) => t.name === 'backup',
    )!.id;
    expect((await runKoppel(h, ['tokens', 'revoke', id], { env })).code).toBe(0);
    expect((await new ApiClient(h.url, token).get('/api/status')).status).toBe(401);
    const users = await runKoppel(h, ['users', 'list'], { env });
    expect(users.out).toContain('shell@koppel.test');
  });
});
