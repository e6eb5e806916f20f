/** What the sandbox saw of each API and identity request, so tests can assert on headers (§6.5). */
export interface LoggedRequest {
  seq: number;
  at: string;
  method: string;
  url: string;
  /** Lower-case names, as received. */
  headers: Record<string, string>;
  status: number;
  traceId: string;
  /** The administration the request ran against, once resolved. */
  administrationId: number | null;
}

export interface RequestLog {
  entries: LoggedRequest[];
  limit: number;
}

export function createRequestLog(limit = 1000): RequestLog {
  return { entries: [], limit };
}

export function appendToLog(log: RequestLog, entry: LoggedRequest): void {
  log.entries.push(entry);
  if (log.entries.length > log.limit) log.entries.splice(0, log.entries.length - log.limit);
}
