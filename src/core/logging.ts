import { pino, type Logger, type DestinationStream } from 'pino';
import { isKoppelError } from './errors.js';
import { redact } from './redaction.js';
import type { SecretRegistry } from './secret-registry.js';

export type { Logger } from 'pino';

export interface LoggerOptions {
  level: string;
  secrets: SecretRegistry;
  /** Defaults to standard output. Tests pass a stream to read every line. */
  destination?: DestinationStream;
}

/**
 * JSON lines. Secret-looking keys are masked at any depth and every registered secret value is
 * scrubbed from the final line, whatever field it hides in.
 */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: null,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (obj) => redact(obj) as Record<string, unknown>,
      },
      serializers: {
        err: (e: unknown) =>
          isKoppelError(e)
            ? { code: e.code, kind: e.kind, message: e.message, details: e.details }
            : e instanceof Error
              ? { name: e.name, message: e.message, stack: e.stack }
              : { message: String(e) },
      },
      hooks: {
        streamWrite: (line) => options.secrets.scrub(line),
      },
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
