/** One answered request, as `GET /__sandbox/requests` shows it. */
export interface RequestLogEntry {
  /** Sandbox clock time (ISO, UTC). */
  at: string;
  method: string;
  path: string;
  query: string;
  status: number;
  rateLimit: Record<string, string>;
  /** Real elapsed time of handling, not sandbox clock time. */
  durationMs: number;
}

/** The most recent requests, oldest dropped first. */
export class RequestLog {
  private entries: RequestLogEntry[] = [];

  add(entry: RequestLogEntry, limit: number): void {
    this.entries.push(entry);
    if (this.entries.length > limit) this.entries = this.entries.slice(-limit);
  }

  list(): readonly RequestLogEntry[] {
    return this.entries;
  }

  clear(): void {
    this.entries = [];
  }
}
