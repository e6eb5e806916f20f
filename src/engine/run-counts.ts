/** Per-run counts, by the final state of each record. */
export class RunCounts {
  read = 0;
  skipped = 0;
  unchanged = 0;
  created = 0;
  updated = 0;
  failed = 0;
  deadLettered = 0;

  add(state: string): void {
    if (state === 'skipped') this.skipped++;
    else if (state === 'unchanged') this.unchanged++;
    else if (state === 'created') this.created++;
    else if (state === 'updated') this.updated++;
    else if (state === 'failed') this.failed++;
    else if (state === 'dead_lettered') this.deadLettered++;
  }

  toJSON() {
    const { read, skipped, unchanged, created, updated, failed, deadLettered } = this;
    return { read, skipped, unchanged, created, updated, failed, deadLettered };
  }
}
