import type { PairMemory } from '../../engine/types.js';

export interface Remembered<T> {
  value: T;
  updatedAt: string;
}

/**
 * One namespace of the pair memory, for orders resolved concurrently: the reads and writes the
 * orders of a page ask for in the same tick go to the store together, so a page of 1,000 orders
 * costs a few queries rather than one per order and article.
 */
export class RememberedNamespace<T> {
  private reads = new Map<string, Array<(entry: Remembered<T> | undefined) => void>>();
  private readFailures: Array<(e: unknown) => void> = [];
  private writes = new Map<string, T>();
  private writeWaiters: Array<{ resolve: () => void; reject: (e: unknown) => void }> = [];

  constructor(
    private readonly memory: PairMemory,
    readonly namespace: string,
  ) {}

  get(key: string): Promise<Remembered<T> | undefined> {
    return new Promise((resolve, reject) => {
      if (this.reads.size === 0) setImmediate(() => void this.flushReads());
      const waiting = this.reads.get(key) ?? [];
      waiting.push(resolve);
      this.reads.set(key, waiting);
      this.readFailures.push(reject);
    });
  }

  set(key: string, value: T): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.writes.size === 0) setImmediate(() => void this.flushWrites());
      this.writes.set(key, value);
      this.writeWaiters.push({ resolve, reject });
    });
  }

  delete(key: string): Promise<void> {
    return this.memory.delete(this.namespace, [key]);
  }

  private async flushReads(): Promise<void> {
    const reads = this.reads;
    const failures = this.readFailures;
    this.reads = new Map();
    this.readFailures = [];
    try {
      const found = await this.memory.get<T>(this.namespace, [...reads.keys()]);
      for (const [key, waiting] of reads) for (const resolve of waiting) resolve(found.get(key));
    } catch (e) {
      for (const reject of failures) reject(e);
    }
  }

  private async flushWrites(): Promise<void> {
    const writes = this.writes;
    const waiters = this.writeWaiters;
    this.writes = new Map();
    this.writeWaiters = [];
    try {
      await this.memory.set(this.namespace, [...writes]);
      for (const w of waiters) w.resolve();
    } catch (e) {
      for (const w of waiters) w.reject(e);
    }
  }
}
