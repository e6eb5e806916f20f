/**
 * Runs work per key one at a time and remembers what succeeded, so concurrent orders of one new
 * customer or article create it once; a failure is forgotten so the next order tries again.
 */
export class SingleFlight<K> {
  private readonly done = new Map<K, Promise<unknown>>();

  run<T>(key: K, work: () => Promise<T>): Promise<T> {
    const known = this.done.get(key) as Promise<T> | undefined;
    if (known) return known;
    const running = work();
    this.done.set(key, running);
    running.catch(() => this.done.delete(key));
    return running;
  }

  /** Drop what was remembered for `key` (it turned out stale), so the next run of it works again. */
  forget(key: K): void {
    this.done.delete(key);
  }
}
