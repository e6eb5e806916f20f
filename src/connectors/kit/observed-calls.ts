import { AsyncLocalStorage } from 'node:async_hooks';

/** One HTTP call as it was answered: what the activity log's request step shows. */
export interface ObservedCall {
  method: string;
  url: string;
  status: number;
}

/**
 * The calls of the `observeCalls` scopes a piece of work runs in (innermost last). Async-local, so
 * writes running side by side (a run's write concurrency) each see only their own calls.
 */
const scopes = new AsyncLocalStorage<ObservedCall[][]>();

/**
 * Runs `work` and answers, beside its result, the HTTP calls made on its behalf in the order they
 * were answered: a writer reports the method and status a target really answered, not what it
 * expected, and no call at all when it made none.
 */
export async function observeCalls<T>(work: () => Promise<T>): Promise<{ result: T; calls: ObservedCall[] }> {
  const calls: ObservedCall[] = [];
  const result = await scopes.run([...(scopes.getStore() ?? []), calls], work);
  return { result, calls };
}

/** Notes an answered call in every scope it was made in (none outside `observeCalls`). */
export function noteCall(call: ObservedCall): void {
  for (const calls of scopes.getStore() ?? []) calls.push(call);
}

/** The last of `calls` with this method whose URL path contains `pathPart` (case-insensitive). */
export function lastCall(
  calls: readonly ObservedCall[],
  method: string,
  pathPart: string,
): ObservedCall | undefined {
  const part = pathPart.toLowerCase();
  for (let i = calls.length - 1; i >= 0; i--) {
    const call = calls[i]!;
    if (call.method === method && decodeURIComponent(new URL(call.url).pathname).toLowerCase().includes(part))
      return call;
  }
  return undefined;
}
