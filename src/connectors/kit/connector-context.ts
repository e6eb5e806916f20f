import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logging.js';
import type { ApiPriority, BudgetLedger, BudgetReserve } from './api-budget.js';

/**
 * What a connector gets to do its work; it never reads the environment or the database. The
 * engine builds one per connection and run (src/engine/connector-context.ts).
 */
export interface ConnectorContext {
  connectionId: string;
  app: string;
  settings: Record<string, unknown>;
  /** Decrypted credentials; treat as secret. */
  credentials: Record<string, string>;
  /** Persist rotated credentials (encrypted) before using them. */
  saveCredentials(credentials: Record<string, string>): Promise<void>;
  /** The credentials as stored now: another process may have rotated them since this run began. */
  readCredentials(): Promise<Record<string, string>>;
  /**
   * Run `fn` holding this connection's credential lock, which holds across every process sharing
   * the database: a token refresh re-reads, refreshes and saves inside it, so it happens once.
   */
  withCredentialLock<T>(fn: () => Promise<T>): Promise<T>;
  /** `fetch` that counts calls towards this connection's usage in the current run. */
  fetch: typeof fetch;
  clock: Clock;
  logger: Logger;
  signal: AbortSignal;
  /** How urgent this run's API calls are; absent means `normal`. */
  priority?: ApiPriority;
  /**
   * Asked before each call: a call that would wait longer than this for API budget is not sent, the
   * connector throws `budgetYield` at once (see budget-yield.ts) so the run can give its worker up.
   * A function, because the engine lets a run yield only once it has stored something: a run that
   * yielded before its first page would read that page again, and never get further. Absent: calls
   * wait as long as the budget needs.
   */
  budgetWaitLimitMs?: () => number;
  /** The API budget shared by every process on the database; absent means this process only. */
  budget?: { ledger: BudgetLedger; reserve: BudgetReserve };
}
