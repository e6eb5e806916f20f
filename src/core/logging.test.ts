import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { KoppelError } from './errors.js';
import { createLogger, prettyLine, stderrDestination } from './logging.js';
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
