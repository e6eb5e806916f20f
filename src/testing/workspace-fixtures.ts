import { sql } from 'kysely';
import { ManualClock } from '../core/clock.js';
import { SecretBox } from '../core/secret-box.js';
import { SecretRegistry } from '../core/secret-registry.js';
import type { MappingDefinition } from '../mapping/types.js';
import type { Store } from '../store/database.js';
import type { WorkspaceDeps } from '../workspace/apply-workspace.js';
import { fixtureRegistry } from './fixture-registry.js';

/** Test-only: credential values the sample workspace refers to. They must never be stored as is. */
export const sampleSecrets = {
  ACME_SOURCE_API_KEY: 'src-key-7f3a9c1e5b2d4f60',
  ACME_TARGET_TOKEN: 'tgt-token-0c8e2a4b6d1f3e57',
  GLOBEX_SOURCE_API_KEY: 'glx-key-93b1d5e7f02a4c68',
} as const;

/** Loose on purpose: tests break the sample in every way a person could. */
export interface SampleWorkspace {
  version: unknown;
  settings: { retention?: Record<string, unknown>; redaction?: unknown };
  pairs: Array<{
    id: string;
    name: string;
    connections: Array<{
      id: string;
      app: string;
      name: string;
      settings?: Record<string, unknown>;
      credentials?: Record<string, unknown>;
    }>;
    flows: Array<{
      id: string;
      kind: string;
      source: string;
      target: string;
      enabled?: unknown;
      schedule?: unknown;
      priority?: unknown;
      settings?: Record<string, unknown>;
      mapping?: MappingDefinition;
    }>;
  }>;
}

/** A workspace over the fixture registry: two pairs, defaults and a custom mapping. Ids in order. */
export function sampleWorkspace(): SampleWorkspace {
  return {
    version: 1,
    settings: { retention: { payloadDays: 14, metadataDays: 90 }, redaction: ['email', 'iban'] },
    pairs: [
      {
        id: 'acme',
        name: 'Acme BV',
        connections: [
          {
            id: 'acme-source',
            app: 'fixture-source',
            name: 'Acme source',
            settings: { baseUrl: 'https://source.example', division: 42 },
            credentials: { apiKey: '${env:ACME_SOURCE_API_KEY}' },
          },
          {
            id: 'acme-target',
            app: 'fixture-target',
            name: 'Acme target',
            settings: { administration: 'adm-1' },
            credentials: { token: '${env:ACME_TARGET_TOKEN}' },
          },
        ],
        flows: [
          {
            id: 'acme-copy',
            kind: 'fixture-copy',
            source: 'acme-source',
            target: 'acme-target',
            enabled: true,
            schedule: '*/5 * * * *',
            priority: 10,
            settings: { batchSize: 50, statuses: ['done'] },
            mapping: {
              fields: {
                name: { source: 'name', required: true },
                status: { source: 'status', valueMap: 'status' },
              },
              valueMaps: { status: { entries: { open: 'O', done: 'D' }, fallback: 'X' } },
            },
          },
          { id: 'acme-copy-default', kind: 'fixture-copy', source: 'acme-source', target: 'acme-target' },
        ],
      },
      {
        id: 'globex',
        name: 'Globex',
        connections: [
          {
            id: 'globex-source',
            app: 'fixture-source',
            name: 'Globex source',
            credentials: { apiKey: '${env:GLOBEX_SOURCE_API_KEY}' },
          },
          {
            id: 'globex-target',
            app: 'fixture-target',
            name: 'Globex target',
            settings: { administration: 'g' },
          },
        ],
        flows: [
          { id: 'globex-copy', kind: 'fixture-copy', source: 'globex-source', target: 'globex-target' },
        ],
      },
    ],
  };
}

export const testSecretKey = 'workspace-test-secret-key-0123456789';

export function workspaceDeps(store: Store, env: Record<string, string | undefined> = { ...sampleSecrets }) {
  const clock = new ManualClock('2026-03-01T09:00:00.000Z');
  const deps: WorkspaceDeps = {
    store,
    box: SecretBox.fromText(testSecretKey),
    secrets: new SecretRegistry(),
    registry: fixtureRegistry,
    clock,
    env,
  };
  return { ...deps, clock };
}

export const configurationTables = ['pairs', 'connections', 'flows', 'mappings', 'settings'] as const;

/**
 * Every row of the configuration tables, in a stable order, to compare before and after. The
 * scheduler's marks (when each schedule last fired) share the settings table but are the running
 * service's state, written whenever its tick comes: they are left out.
 */
export async function dumpConfiguration(store: Store): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of configurationTables) {
    const result = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(store.db);
    out[table] = result.rows
      .filter((row) => !(table === 'settings' && String(row['key']).startsWith('scheduler:')))
      .map((row) =>
        JSON.stringify(Object.fromEntries(Object.entries(row).sort(([a], [b]) => a.localeCompare(b)))),
      )
      .sort();
  }
  return out;
}
