import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { KoppelError, toKoppelError } from './errors.js';
import { createLogger, prettyLine, stderrDestination, withLogFields } from './logging.js';
import { SecretRegistry } from './secret-registry.js';

describe('the logger', () => {
  it('logs an error’s message and stack without the folder the server is installed in, and a KoppelError’s code', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    const logger = createLogger({ level: 'info', secrets: new SecretRegistry(), destination });
    logger.error({ err: new Error('boom') }, 'API error');
    logger.warn({ err: new KoppelError('refused', { code: 'webhook.stale', kind: 'invalid' }) }, 'refused');
    const installRoot = fileURLToPath(new URL('../../', import.meta.url));
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[1]!).err).toMatchObject({
      errorCode: 'webhook.stale',
      kind: 'invalid',
      message: 'refused',
    });
    expect(lines[0]).toContain('boom');
    expect(lines[0]).toContain('src/core/logging.test.ts');
    expect(lines[0]).not.toContain(installRoot);
  });
});

describe('errors in log lines', () => {
  function logged(log: (logger: ReturnType<typeof createLogger>) => void): Record<string, unknown> {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    log(createLogger({ level: 'info', secrets: new SecretRegistry(), destination }));
    return JSON.parse(lines[0]!) as Record<string, unknown>;
  }

  it('keeps a KoppelError’s message and code, and a field named code that is no credential', () => {
    const line = logged((l) =>
      l.warn(
        {
          code: 'SKU-1',
          err: new KoppelError('Article SKU-1 is blocked', { code: 'products.blocked', kind: 'invalid' }),
        },
        'refused',
      ),
    );
    expect(line).toMatchObject({
      code: 'SKU-1',
      err: { errorCode: 'products.blocked', kind: 'invalid', message: 'Article SKU-1 is blocked' },
    });
  });

  it('shows the fields of a plain object thrown, and of one turned into a KoppelError', () => {
    const thrown = { status: 502, detail: 'gateway down' };
    const line = logged((l) => l.error({ err: thrown }, 'failed'));
    expect(line['err']).toEqual({
      status: 502,
      detail: 'gateway down',
      message: '{"status":502,"detail":"gateway down"}',
    });
    const wrapped = logged((l) => l.error({ err: toKoppelError(thrown) }, 'failed'));
    expect(JSON.stringify(wrapped)).not.toContain('[object Object]');
    expect(wrapped['err']).toMatchObject({
      errorCode: 'internal.unexpected',
      message: '{"status":502,"detail":"gateway down"}',
    });
  });
});

describe('personal data in log lines', () => {
  it('masks e-mail addresses and IBANs an error message quotes', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    const logger = createLogger({ level: 'info', secrets: new SecretRegistry(), destination });
    logger.warn(
      {
        err: new KoppelError('jan@example.nl is not a valid e-mail address', {
          code: 'asperion.invalid',
          kind: 'invalid',
        }),
      },
      'refused NL91ABNA0417164300',
    );
    expect(lines.join('')).not.toMatch(/jan@example\.nl|NL91ABNA0417164300/);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      msg: 'refused [iban]',
      err: { errorCode: 'asperion.invalid', message: '[e-mail] is not a valid e-mail address' },
    });
  });
});

describe('a log line for a person', () => {
  it('shows time, level and message, then the other fields', () => {
    const line = JSON.stringify({
      level: 'warn',
      time: '2026-12-07T12:30:01.000Z',
      msg: 'slow',
      flow: 'f1',
      n: 3,
    });
    expect(prettyLine(line + '\n')).toBe('12:30:01 WARN  slow  flow=f1 n=3\n');
  });
});

describe('standard error as the log destination', () => {
  it('gets readable lines when it is a terminal, replacing a progress bar drawn on the line', () => {
    const written: string[] = [];
    const terminal = { isTTY: true, write: (text: string) => (written.push(text), true) };
    const logger = createLogger({
      level: 'info',
      secrets: new SecretRegistry(),
      destination: stderrDestination(terminal as Parameters<typeof stderrDestination>[0]),
    });
    logger.info({ flow: 'f1' }, 'Run started');
    expect(written).toHaveLength(1);
    expect(written[0]!.startsWith('\r\x1b[2K')).toBe(true);
    expect(written[0]!.slice('\r\x1b[2K'.length)).toMatch(
      /^\d\d:\d\d:\d\d INFO {2}Run started {2}flow=f1\n$/,
    );
  });
});

describe('fields of the work under way', () => {
  it('adds them to every line logged within, by any logger, nested, once, with the line’s own fields winning', async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    const logger = createLogger({ level: 'info', secrets: new SecretRegistry(), destination });
    const child = logger.child({ connection: 'c1' });
    await withLogFields({ recordId: 'rec_1', record: 'A' }, async () => {
      await Promise.resolve();
      child.info('inside');
      withLogFields({ step: 'lookup' }, () => logger.info({ record: 'B' }, 'nested'));
      logger.child({ recordId: 'rec_2' }).info('bound');
    });
    logger.info('outside');
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed[0]).toMatchObject({ connection: 'c1', recordId: 'rec_1', record: 'A', msg: 'inside' });
    expect(parsed[1]).toMatchObject({ recordId: 'rec_1', record: 'B', step: 'lookup', msg: 'nested' });
    expect(lines[1]!.split('"record":').length).toBe(2);
    // A field the logger binds already is not written twice: the binding stands.
    expect(parsed[2]).toMatchObject({ recordId: 'rec_2', record: 'A', msg: 'bound' });
    expect(lines[2]!.split('"recordId":').length).toBe(2);
    expect(parsed[3]).not.toHaveProperty('recordId');
  });
});
