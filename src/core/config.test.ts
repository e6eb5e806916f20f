import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ConfigError } from './config.js';
import { configDocs, configSchema, loadConfig, smtpLabel } from './config.js';

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

  it('takes pg-boss as the job queue on PostgreSQL only', () => {
    expect(loadConfig({}).queue).toBe('store');
    // A fleet on PostgreSQL runs on pg-boss unless told otherwise.
    expect(loadConfig({ DATABASE_URL: 'postgres://db/koppel' }).queue).toBe('pg-boss');
    expect(loadConfig({ KOPPEL_QUEUE: 'store', DATABASE_URL: 'postgres://db/koppel' }).queue).toBe('store');
    expect(loadConfig({ KOPPEL_QUEUE: 'pg-boss', DATABASE_URL: 'postgres://db/koppel' }).queue).toBe(
      'pg-boss',
    );
    expect(() => loadConfig({ KOPPEL_QUEUE: 'pg-boss' })).toThrow(
      /KOPPEL_QUEUE: pg-boss runs on PostgreSQL only/,
    );
    expect(() => loadConfig({ KOPPEL_QUEUE: 'bullmq' })).toThrow(/KOPPEL_QUEUE: must be store or pg-boss/);
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

describe('SMTP configuration', () => {
  it('takes the URL apart, so the password is never part of a printable URL', () => {
    const c = loadConfig({
      KOPPEL_SMTP_URL: 'smtp://mailer%40example.nl:p%40ss%3Aword@mail.example.nl:2587',
    });
    expect(c.smtp).toEqual({
      host: 'mail.example.nl',
      port: 2587,
      secure: false,
      user: 'mailer@example.nl',
      password: 'p@ss:word',
      caFile: undefined,
    });
    expect(smtpLabel(c.smtp!)).toBe('smtp://mail.example.nl:2587');
    expect(c.smtpFrom).toBe('Koppel <koppel@localhost>');
  });

  it('defaults the port by scheme: 587 with STARTTLS, 465 with TLS from the start', () => {
    expect(loadConfig({ KOPPEL_SMTP_URL: 'smtp://mail.example.nl' }).smtp).toMatchObject({
      port: 587,
      secure: false,
      user: undefined,
    });
    expect(
      loadConfig({ KOPPEL_SMTP_URL: 'smtps://u:secret-pass@mail.example.nl', KOPPEL_SMTP_CA_FILE: '/ca.pem' })
        .smtp,
    ).toMatchObject({ port: 465, secure: true, caFile: '/ca.pem' });
    expect(loadConfig({}).smtp).toBeUndefined();
  });

  it('refuses another scheme without repeating the URL (it may hold the password)', () => {
    let message = '';
    try {
      loadConfig({ KOPPEL_SMTP_URL: 'http://u:very-secret-pw@mail.example.nl' });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/KOPPEL_SMTP_URL/);
    expect(message).not.toContain('very-secret-pw');
  });
});
