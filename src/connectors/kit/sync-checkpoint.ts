/**
 * Where a sync keeps its checkpoint: the highest row version it has fully processed, as a decimal
 * string (Exact's Int64 `Timestamp` goes past what a JS number holds). `null` before the first run.
 * The engine keeps it in the store; a connector only knows this interface.
 */
export interface SyncCheckpointStore {
  load(): Promise<string | null>;
  save(ts: string): Promise<void>;
}
