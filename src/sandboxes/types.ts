import type { Clock } from '../core/clock.js';

/**
 * A local stand-in for an outside API (Exact Online, Asperion): same paths, auth, paging, limits
 * and errors as the real service, so that clients, tests and demos run without real accounts.
 * Sandboxes share nothing with the product but `core/`.
 */
export interface SandboxOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** One of the sandbox's `seeds`. */
  seed: string;
  /** Parsed JSON of a fixture to load after the seed, in the sandbox's own fixture format. */
  fixture?: unknown;
  clock: Clock;
}

/** A fixture the sandbox cannot load; the message says what and where. */
export class SandboxFixtureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SandboxFixtureError';
  }
}

/** A zod failure as one line per issue, with the path into the fixture. */
export function fixtureIssues(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): string {
  return issues.map((i) => `${i.path.map(String).join('.') || '(top)'}: ${i.message}`).join('; ');
}

export interface RunningSandbox {
  /** `http://127.0.0.1:<port>`: the base URL a client uses instead of the real host. */
  url: string;
  close(): Promise<void>;
}

export interface SandboxDescriptor {
  /** The name on the command line: `koppel sandbox <name>`. */
  name: string;
  title: string;
  defaultPort: number;
  /** The data it can start with, the default first (e.g. `demo`, `empty`). */
  seeds: readonly string[];
  start(options: SandboxOptions): Promise<RunningSandbox>;
}
