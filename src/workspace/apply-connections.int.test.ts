import { describe, expect, it } from 'vitest';
import { SecretBox } from '../core/secret-box.js';
import { SecretRegistry } from '../core/secret-registry.js';
import { productRegistry } from '../registry.js';
import type { Store } from '../store/database.js';
import { getConnection, updateConnection } from '../store/repos/connections.js';
import { freshStorePerTest, testDialects } from '../testing/databases.js';
import { testSecretKey } from '../testing/workspace-fixtures.js';
import { ManualClock } from '../core/clock.js';
import { applyWorkspace, type WorkspaceDeps } from './apply-workspace.js';

/** A pair of the real apps, as a person writes it: tokens and tenant only where a test says. */
function workspace(exact: { settings?: Record<string, unknown>; credentials?: Record<string, string> } = {}) {
  return {
    version: 1,
    pairs: [
      {
        id: 'acme',
        name: 'Acme BV',
        connections: [
          {
            id: 'acme-exact',
            app: 'exact-online',
            name: 'Exact Online',
            settings: { baseUrl: 'http://127.0.0.1:4010', clientId: 'client-1', ...exact.settings },
            credentials: {
              clientSecret: '${env:EXACT_CLIENT_SECRET}',
              ...exact.credentials,
            },
          },
          {
            id: 'acme-asperion',
            app: 'asperion',
            name: 'Asperion',
            settings: { clientId: 'client-2', administrationId: 1 },
            credentials: {
              clientSecret: '${env:ASPERION_CLIENT_SECRET}',
              accessToken: '${env:ASPERION_ACCESS}',
              refreshToken: '${env:ASPERION_REFRESH}',
              accessTokenExpiresAt: '${env:ASPERION_EXPIRES}',
              tokensIssuedAt: '${env:ASPERION_ISSUED}',
            },
          },
        ],
      },
    ],
  };
}

const tokenRefs = {
  accessToken: '${env:EXACT_ACCESS}',
  refreshToken: '${env:EXACT_REFRESH}',
  accessTokenExpiresAt: '${env:EXACT_EXPIRES}',
  tokensIssuedAt: '${env:EXACT_ISSUED}',
};

const baseEnv = {
  EXACT_CLIENT_SECRET: 'exact-client-secret-1234',
  ASPERION_CLIENT_SECRET: 'asperion-client-secret-5678',
  ASPERION_ACCESS: 'asperion-access-token-0001',
  ASPERION_REFRESH: 'asperion-refresh-token-0001',
  ASPERION_EXPIRES: '2026-03-01T10:00:00.000Z',
  ASPERION_ISSUED: '2026-03-01T09:00:00.000Z',
  EXACT_ACCESS: 'exact-access-token-from-env-01',
  EXACT_REFRESH: 'exact-refresh-token-from-env-01',
  EXACT_EXPIRES: '2026-03-01T09:10:00.000Z',
  EXACT_ISSUED: '2026-03-01T09:00:00.000Z',
};

function deps(store: Store, env: Record<string, string> = baseEnv): WorkspaceDeps {
  return {
    store,
    box: SecretBox.fromText(testSecretKey),
    secrets: new SecretRegistry(),
    registry: productRegistry,
    clock: new ManualClock('2026-03-01T09:00:00.000Z'),
    env,
  };
}

describe.each(testDialects)('workspace files and authorized connections (%s)', (dialect) => {
  const { open } = freshStorePerTest(dialect);

  async function stored(store: Store, id: string) {
    const c = await getConnection(store.db, id);
    return { ...c!, credentials: deps(store).box.decryptJson(c!.encryptedCredentials!) };
  }

  /** What a token refresh or `koppel connect` does to the stored credentials since the file was applied. */
  async function rotate(store: Store, id: string, change: Record<string, string>) {
    const box = deps(store).box;
    const c = await getConnection(store.db, id);
    const credentials = { ...box.decryptJson(c!.encryptedCredentials!), ...change };
    await updateConnection(store.db, id, { encryptedCredentials: box.encryptJson(credentials) }, 'x');
  }

  it('gives a connection of an OAuth app the status its file allows: tokens first, then a tenant', async () => {
    const store = await open();
    await applyWorkspace(deps(store), workspace());
    expect((await stored(store, 'acme-exact')).status).toBe('needs_authorization');
    expect((await stored(store, 'acme-asperion')).status).toBe('active');

    await applyWorkspace(deps(store), workspace({ credentials: tokenRefs }));
    expect((await stored(store, 'acme-exact')).status).toBe('needs_tenant');
    await applyWorkspace(deps(store), workspace({ credentials: tokenRefs, settings: { division: 3215711 } }));
    expect((await stored(store, 'acme-exact')).status).toBe('active');
  });

  it('never writes a token pair it applied before over the one a refresh rotated, on every re-apply', async () => {
    const store = await open();
    const file = workspace({ credentials: tokenRefs, settings: { division: 3215711 } });
    await applyWorkspace(deps(store), file);
    const rotated = {
      accessToken: 'exact-access-token-rotated-02',
      refreshToken: 'exact-refresh-token-rotated-02',
      accessTokenExpiresAt: '2026-03-01T09:20:00.000Z',
      tokensIssuedAt: '2026-03-01T09:10:00.000Z',
    };
    await rotate(store, 'acme-exact', rotated);
    await rotate(store, 'acme-asperion', { refreshToken: 'asperion-refresh-token-rotated' });

    for (let start = 0; start < 2; start++) {
      const summary = await applyWorkspace(deps(store), file);
      expect(summary.changes.connections.unchanged).toEqual(['acme-exact', 'acme-asperion']);
    }
    expect((await stored(store, 'acme-exact')).credentials).toEqual({
      clientSecret: baseEnv.EXACT_CLIENT_SECRET,
      ...rotated,
    });
    expect((await stored(store, 'acme-asperion')).credentials.refreshToken).toBe(
      'asperion-refresh-token-rotated',
    );

    // The file stops naming the tokens (they belong to `koppel connect`): the rotated ones stay.
    await applyWorkspace(deps(store), workspace({ settings: { division: 3215711 } }));
    expect((await stored(store, 'acme-exact')).credentials).toEqual({
      clientSecret: baseEnv.EXACT_CLIENT_SECRET,
      ...rotated,
    });
  });

  it('applies a token pair the environment changed, which also ends a pause', async () => {
    const store = await open();
    const file = workspace({ credentials: tokenRefs, settings: { division: 3215711 } });
    await applyWorkspace(deps(store), file);
    await updateConnection(
      store.db,
      'acme-exact',
      { status: 'paused', pausedReason: 'refused', pausedAt: 'x' },
      'x',
    );
    const renewed = { ...baseEnv, EXACT_REFRESH: 'exact-refresh-token-renewed-03' };
    const summary = await applyWorkspace(deps(store, renewed), file);
    expect(summary.changes.connections.updated).toEqual(['acme-exact']);
    const exact = await stored(store, 'acme-exact');
    expect(exact.credentials.refreshToken).toBe('exact-refresh-token-renewed-03');
    expect(exact).toMatchObject({ status: 'active', pausedReason: null });
    // A changed client secret is applied the same way; the token pair stays.
    await applyWorkspace(deps(store, { ...renewed, EXACT_CLIENT_SECRET: 'exact-client-secret-new' }), file);
    expect((await stored(store, 'acme-exact')).credentials).toMatchObject({
      clientSecret: 'exact-client-secret-new',
      refreshToken: 'exact-refresh-token-renewed-03',
    });
  });

  it('keeps the tenant chosen through the API when the file names none, and the file’s own when it does', async () => {
    const store = await open();
    await applyWorkspace(deps(store), workspace());
    // What `koppel connect` and a PATCH {division} leave behind.
    await rotate(store, 'acme-exact', {
      accessToken: 'exact-access-token-connect-04',
      refreshToken: 'exact-refresh-token-connect-04',
      accessTokenExpiresAt: '2026-03-01T09:10:00.000Z',
      tokensIssuedAt: '2026-03-01T09:00:00.000Z',
    });
    const current = await stored(store, 'acme-exact');
    await updateConnection(
      store.db,
      'acme-exact',
      { settings: { ...current.settings, division: 3215712 }, status: 'active', tenantName: 'Webshop' },
      'x',
    );

    const again = await applyWorkspace(deps(store), workspace());
    expect(again.changes.connections.unchanged).toContain('acme-exact');
    expect(await stored(store, 'acme-exact')).toMatchObject({
      status: 'active',
      settings: { division: 3215712 },
      tenantName: 'Webshop',
    });

    await applyWorkspace(deps(store), workspace({ settings: { division: 3215711 } }));
    expect(await stored(store, 'acme-exact')).toMatchObject({
      status: 'active',
      settings: { division: 3215711 },
      tenantName: null,
    });
  });
});
