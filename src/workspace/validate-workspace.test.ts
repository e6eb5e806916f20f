import { describe, expect, it } from 'vitest';
import { fixtureRegistry } from '../testing/fixture-registry.js';
import { sampleSecrets, sampleWorkspace } from '../testing/workspace-fixtures.js';
import { validateWorkspace } from './validate-workspace.js';

const ctx = { registry: fixtureRegistry, env: { ...sampleSecrets } };
const errorsOf = (document: unknown, env: Record<string, string | undefined> = ctx.env) => {
  const result = validateWorkspace(document, { registry: fixtureRegistry, env });
  return result.ok ? [] : result.errors;
};

describe('validateWorkspace', () => {
  it('accepts the sample and fills in defaults', () => {
    const result = validateWorkspace(sampleWorkspace(), ctx);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.workspace.pairs[0]?.flows[1]).toMatchObject({
      enabled: false,
      priority: 100,
      settings: {},
    });
  });

  it('refuses a mapping whose expressions do not compile, naming each field and expression', () => {
    const doc = sampleWorkspace();
    doc.pairs[0]!.flows[0]!.mapping = {
      fields: {
        name: { source: 'name' },
        total: { expr: 'amount * (' },
        code: { expr: '$uppercase(sku' },
      },
    };
    const errors = errorsOf(doc);
    expect(errors.map((e) => e.path)).toEqual([
      'pairs[0].flows[0].mapping.fields.code',
      'pairs[0].flows[0].mapping.fields.total',
    ]);
    expect(errors[1]!.reason).toContain('amount * (');
  });

  it('reports a literal secret without repeating it', () => {
    const doc = sampleWorkspace();
    doc.pairs[0]!.connections[0]!.credentials = { apiKey: 'sk_live_do-not-print-me' };
    const errors = errorsOf(doc);
    expect(errors).toEqual([
      {
        path: 'pairs[0].connections[0].credentials.apiKey',
        reason: 'must be an ${env:NAME} reference; a workspace file never holds a secret itself',
      },
    ]);
    expect(JSON.stringify(errors)).not.toContain('do-not-print-me');
  });

  it('names an unset or empty environment variable, not its value', () => {
    const errors = errorsOf(sampleWorkspace(), {
      ...sampleSecrets,
      ACME_TARGET_TOKEN: '',
      GLOBEX_SOURCE_API_KEY: undefined,
    });
    expect(errors).toEqual([
      {
        path: 'pairs[0].connections[1].credentials.token',
        reason: 'environment variable ACME_TARGET_TOKEN is not set',
      },
      {
        path: 'pairs[1].connections[0].credentials.apiKey',
        reason: 'environment variable GLOBEX_SOURCE_API_KEY is not set',
      },
    ]);
  });

  it('rejects credential fields the app does not declare, and credentials written as settings', () => {
    const doc = sampleWorkspace();
    doc.pairs[0]!.connections[0]!.credentials = {
      apiKey: '${env:ACME_SOURCE_API_KEY}',
      password: '${env:ACME_SOURCE_API_KEY}',
    };
    doc.pairs[0]!.connections[1]!.settings = { administration: 'a', token: 'abc' };
    expect(errorsOf(doc)).toEqual([
      {
        path: 'pairs[0].connections[0].credentials.password',
        reason: 'fixture-source has no credential field "password"; it takes apiKey',
      },
      { path: 'pairs[0].connections[1].settings', reason: 'Unrecognized key: "token"' },
      {
        path: 'pairs[0].connections[1].settings.token',
        reason: 'is a credential of fixture-target; put it under credentials as an ${env:NAME} reference',
      },
    ]);
  });

  it('checks apps, kinds, references and ids across the whole installation', () => {
    const doc = sampleWorkspace();
    const [acme, globex] = [doc.pairs[0]!, doc.pairs[1]!];
    acme.flows[0]!.kind = 'orders';
    acme.flows[1]!.source = 'acme-target';
    acme.flows[1]!.target = 'missing';
    globex.id = 'acme';
    globex.connections[0]!.id = 'acme-source';
    globex.flows[0]!.id = 'acme-copy';
    globex.connections[1]!.app = 'asperion';
    expect(errorsOf(doc).map((e) => `${e.path}: ${e.reason}`)).toEqual([
      'pairs[0].flows[0].kind: unknown flow kind "orders"; known kinds: fixture-copy',
      'pairs[0].flows[1].source: connection "acme-target" is a connection to fixture-target; flows of kind fixture-copy read from fixture-source',
      'pairs[0].flows[1].target: no connection "missing" in pair "acme"',
      'pairs[1].connections[0].id: duplicate connection id "acme-source" (first at pairs[0].connections[0].id)',
      'pairs[1].connections[1].app: unknown app "asperion"; known apps: fixture-source, fixture-target',
      'pairs[1].flows[0].id: duplicate flow id "acme-copy" (first at pairs[0].flows[0].id)',
      'pairs[1].flows[0].source: no connection "globex-source" in pair "acme"',
      'pairs[1].id: duplicate pair id "acme" (first at pairs[0].id)',
    ]);
  });

  it('reports shape errors and registry errors together', () => {
    const doc = sampleWorkspace();
    doc.version = 2;
    Object.assign(doc.pairs[0]!, { id: 'Acme BV' });
    Object.assign(doc.pairs[0]!.flows[0]!, {
      schedule: 'every minute',
      priority: -1,
      enabled: 'yes',
      extra: 1,
    });
    doc.pairs[0]!.flows[0]!.settings = { batchSize: 0 };
    doc.pairs[0]!.flows[0]!.mapping = { fields: { name: { valueMap: 'nope', source: 'x' } } };
    doc.settings.retention = { payloadDays: 100, metadataDays: 30 };
    expect(errorsOf(doc).map((e) => e.path)).toEqual([
      'pairs[0].flows[0]',
      'pairs[0].flows[0].enabled',
      'pairs[0].flows[0].mapping.fields.name.valueMap',
      'pairs[0].flows[0].priority',
      'pairs[0].flows[0].schedule',
      'pairs[0].flows[0].settings.batchSize',
      'pairs[0].id',
      'settings.retention.payloadDays',
      'version',
    ]);
  });

  it('says what is missing, and explains a document that is not a workspace at all', () => {
    expect(
      errorsOf({ version: 1, pairs: [{ id: 'a', connections: [{ id: 'c', app: 'fixture-target' }] }] }),
    ).toEqual([
      { path: 'pairs[0].connections[0].name', reason: 'is required' },
      { path: 'pairs[0].connections[0].settings.administration', reason: 'is required' },
      { path: 'pairs[0].name', reason: 'is required' },
    ]);
    expect(errorsOf(null)).toEqual([
      { path: '(file)', reason: 'Invalid input: expected object, received null' },
    ]);
  });
});
