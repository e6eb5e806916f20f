import { describe, expect, it } from 'vitest';
import { productRegistry } from './registry.js';
import { validateWorkspace } from './workspace/validate-workspace.js';

const workspace = (exactSettings: Record<string, unknown>) => ({
  version: 1,
  pairs: [
    {
      id: 'acme',
      name: 'Acme BV',
      connections: [
        {
          id: 'acme-exact',
          app: 'exact-online',
          name: 'Exact',
          settings: exactSettings,
          credentials: { clientSecret: '${env:EXACT_SECRET}' },
        },
        {
          id: 'acme-asperion',
          app: 'asperion',
          name: 'Asperion',
          settings: {
            clientId: 'koppel',
            administrationId: 12,
            apiBaseUrl: 'http://127.0.0.1:4020',
            identityBaseUrl: 'http://127.0.0.1:4020',
          },
        },
      ],
    },
  ],
});

describe('the product registry', () => {
  it('accepts Exact Online and Asperion connections, with secrets from the environment', () => {
    const result = validateWorkspace(workspace({ clientId: 'abc', division: 441609 }), {
      registry: productRegistry,
      env: { EXACT_SECRET: 'x'.repeat(20) },
    });
    expect(result.ok).toBe(true);
  });

  it('names every missing or unknown setting of a connection', () => {
    const result = validateWorkspace(workspace({ divison: 1 }), {
      registry: productRegistry,
      env: { EXACT_SECRET: 'x'.repeat(20) },
    });
    expect(result.ok).toBe(false);
    const errors = result.ok ? [] : result.errors;
    expect(errors.map((e) => e.path)).toEqual(
      expect.arrayContaining([
        'pairs[0].connections[0].settings.clientId',
        'pairs[0].connections[0].settings',
      ]),
    );
    expect(errors.find((e) => e.path === 'pairs[0].connections[0].settings')?.reason).toContain('divison');
  });

  it('accepts connections without a tenant: it is chosen after the authorization', () => {
    const result = validateWorkspace(workspace({ clientId: 'abc' }), {
      registry: productRegistry,
      env: { EXACT_SECRET: 'x'.repeat(20) },
    });
    expect(result.ok).toBe(true);
  });
});
