import { AsyncLocalStorage } from 'node:async_hooks';
import { fileURLToPath } from 'node:url';
import { pino, type Logger, type DestinationStream } from 'pino';
import { isKoppelError, messageOf } from './errors.js';
import { isPlainObject } from './json.js';
import { maskPersonalText, redact } from './redaction.js';
import type { SecretRegistry } from './secret-registry.js';

export type { Logger } from 'pino';

export interface LoggerOptions {
  level: string;
  secrets: SecretRegistry;
  /**
   * Defaults to standard error (stdout carries only a command's own output, so `--json` stays
   * parseable): readable lines when a person watches it, JSON lines otherwise. Tests pass a
   * stream to read every line.
   */
  destination?: DestinationStream;
}

/**
 * Fields every line logged inside `withLogFields` carries, whichever logger writes it. A child
 * logger names what it is made for (a run, a connection); this names the work under way beneath
 * it, such as the one record a write is for, which a connector's own logger cannot know.
 */
const logFields = new AsyncLocalStorage<Readonly<Record<string, unknown>>>();

/** Runs `work` with `fields` added to every line logged within it (inner fields win). */
export function withLogFields<T>(fields: Record<string, unknown>, work: () => T): T {
  return logFields.run({ ...logFields.getStore(), ...fields }, work);
}

/**
 * The fields of the work under way that the logger does not bind already (a key twice in one JSON
 * line leaves a log tool one of its values), as a fresh object: pino merges the line's own fields
 * into it, and they win.
 */
function fieldsNotBound(logger: Logger): Record<string, unknown> {
  const fields = logFields.getStore();
  if (!fields) return {};
  const bound = logger.bindings();
  return Object.fromEntries(Object.entries(fields).filter(([key]) => !(key in bound)));
}

/** Where Koppel is installed (two folders up from core/, in src/ and in the build alike). */
const installRoot = fileURLToPath(new URL('../../', import.meta.url));

/** A stack trace with the installation's folder cut off its file names: the log names no server paths. */
function relativeStack(stack: string | undefined): string | undefined {
  return stack?.split(`file://${installRoot}`).join('').split(installRoot).join('');
}

/**
 * An error as a log field: its code (as `errorCode`: a key named `code` is masked as an OAuth code)
 * and kind, or its name, message and (relative) stack.
 */
function errorFields(e: unknown): Record<string, unknown> {
  if (isKoppelError(e)) return { errorCode: e.code, kind: e.kind, message: e.message, details: e.details };
  if (e instanceof Error) return { name: e.name, message: e.message, stack: relativeStack(e.stack) };
  // A plain object thrown keeps its own fields beside a readable message.
  if (isPlainObject(e)) return { ...e, message: messageOf(e) };
  return { message: messageOf(e) };
}

/**
 * JSON lines. Secret-looking keys are masked at any depth and every registered secret value is
 * scrubbed from the final line, whatever field it hides in, as are e-mail addresses and IBANs. Errors are turned into fields before
 * the masking, which would otherwise see an Error as an empty object.
 */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: null,
      timestamp: pino.stdTimeFunctions.isoTime,
      mixin: (_line, _level, logger) => fieldsNotBound(logger),
      formatters: {
        level: (label) => ({ level: label }),
        log: (obj) =>
          redact(
            Object.fromEntries(
              Object.entries(obj).map(([k, v]) => [k, v instanceof Error ? errorFields(v) : v]),
            ),
          ) as Record<string, unknown>,
      },
      // The fields above reach pino's serializers as plain objects; they are kept as they are.
      serializers: { err: (e: unknown) => (e instanceof Error || isPlainObject(e) ? errorFields(e) : e) },
      hooks: {
        // Personal data stays out of logs too: an error quoting a customer's e-mail or IBAN is masked.
        streamWrite: (line) => maskPersonalText(options.secrets.scrub(line)),
      },
    },
    options.destination ?? stderrDestination(),
  );
}

/**
 * Standard error: readable lines when it is a terminal (a person watches), else JSON lines written
 * synchronously, so a command that ends right after logging does not lose the line that says why.
 */
export function stderrDestination(
  stderr: Pick<NodeJS.WriteStream, 'isTTY' | 'write'> = process.stderr,
): DestinationStream {
  if (!stderr.isTTY) return pino.destination({ dest: 2, sync: true });
  // A live progress bar may be drawn on the current line: the log line replaces it (the bar
  // redraws below at its next tick) rather than running into it.
  return { write: (line: string) => void stderr.write(`\r\x1b[2K${prettyLine(line)}`) };
}

const levelWords: Record<string, string> = {
  trace: 'TRACE',
  debug: 'DEBUG',
  info: 'INFO ',
  warn: 'WARN ',
  error: 'ERROR',
  fatal: 'FATAL',
};

/** A JSON log line for a person: time, level, message, then the other fields as key=value. */
export function prettyLine(line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const { time, level, msg, ...fields } = entry;
  const clock = typeof time === 'string' ? time.slice(11, 19) : '';
  const word = levelWords[String(level)] ?? String(level).toUpperCase();
  const rest = Object.entries(fields)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  return `${clock} ${word} ${typeof msg === 'string' ? msg : ''}${rest ? `  ${rest}` : ''}\n`;
}
