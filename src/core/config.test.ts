import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ConfigError } from './config.js';
import { configDocs, configSchema, loadConfig } from './config.js';

describe('configuration', () => {
  it('has defaults for everything, so an empty environment runs on SQLite in ./data', () => {
    const c = loadConfig({});
    expect(c.databaseUrl).toBeUndefined();
    expect(c.dataDir).toBe(path.resolve('./data'));
    expect(c).toMatchObject({
      port: 8640,
      workers: 2,
      payloadRetentionDays: 14,
      metadataRetentionDays: 90,
      logLevel: 'info',
    });
  });

  it('lists every problem with the variable it belongs to', () => {
    const error = (() => {
      try {
        loadConfig({ DATABASE_URL: 'mysql://x', KOPPEL_PORT: 'eighty', KOPPEL_LOG_LEVEL: 'loud' });
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(error.issues.map((i) => i.split(':')[0]).sort()).toEqual([
      'DATABASE_URL',
      'KOPPEL_LOG_LEVEL',
      'KOPPEL_PORT',
    ]);
  });

  it('takes KOPPEL_PUBLIC_URL as an http(s) base URL without a trailing slash, and nothing else', () => {
    expect(loadConfig({}).publicUrl).toBeUndefined();
    expect(loadConfig({ KOPPEL_PUBLIC_URL: 'https://koppel.example.nl/' }).publicUrl).toBe(
      'https://koppel.example.nl',
    );
    expect(() => loadConfig({ KOPPEL_PUBLIC_URL: 'ftp://koppel.example.nl' })).toThrow(/KOPPEL_PUBLIC_URL/);
    expect(() => loadConfig({ KOPPEL_PUBLIC_URL: 'koppel.example.nl' })).toThrow(/KOPPEL_PUBLIC_URL/);
  });

  it('is documented in the README, variable by variable, with the same defaults', () => {
    expect(configDocs.map((d) => d.name).sort()).toEqual(Object.keys(configSchema.shape).sort());
    const readme = readFileSync(path.resolve(import.meta.dirname, '../../README.md'), 'utf8');
    const rows = readme
      .split('\n')
      .filter((l) => l.startsWith('| `'))
      .map((l) =>
        l
          .split('|')
          .slice(1, -1)
          .map((c) => c.trim()),
      );
    for (const d of configDocs) expect(rows).toContainEqual([`\`${d.name}\``, d.default, d.meaning]);
  });
});
