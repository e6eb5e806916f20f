import type { PackageName, SandboxRecord } from '../resources/resource-descriptor.js';

export interface Administration {
  id: number;
  name: string;
  telephoneNumber: string;
  email: string;
  packages: Record<PackageName, boolean>;
}

/**
 * Everything one administration (tenant) holds: all data is partitioned per administration (§6.2).
 * Ids are sequential per administration and resource, so seeds and tests are deterministic (§6.5).
 */
export class AdministrationData {
  private readonly tables = new Map<string, Map<string, SandboxRecord>>();
  private readonly sequences = new Map<string, number>();
  /** "year/period" pairs that refuse postings (§6.4). */
  readonly closedPeriods = new Set<string>();

  constructor(readonly administration: Administration) {}

  list(resource: string): SandboxRecord[] {
    return [...this.table(resource).values()];
  }

  get(resource: string, id: string | number): SandboxRecord | undefined {
    return this.table(resource).get(String(id));
  }

  find(resource: string, predicate: (r: SandboxRecord) => boolean): SandboxRecord | undefined {
    for (const r of this.table(resource).values()) if (predicate(r)) return r;
    return undefined;
  }

  /** Stores under record.id, which the caller chose (string codes) or got from nextId. */
  put(resource: string, record: SandboxRecord): SandboxRecord {
    const id = record['id'];
    if (typeof id !== 'number' && typeof id !== 'string') throw new Error(`record of ${resource} without id`);
    this.table(resource).set(String(id), record);
    if (typeof id === 'number' && id >= (this.sequences.get(resource) ?? 1))
      this.sequences.set(resource, id + 1);
    return record;
  }

  /** Forgets a record (a user deleting a draft in the app); its id is not given out again. */
  remove(resource: string, id: string | number): boolean {
    return this.table(resource).delete(String(id));
  }

  /** The next free integer id; numbers are never reused. */
  nextId(resource: string): number {
    const next = this.sequences.get(resource) ?? 1;
    this.sequences.set(resource, next + 1);
    return next;
  }

  /** A named counter (invoice numbers per journal and year), starting at 1. */
  nextInSequence(name: string): number {
    return this.nextId(`#${name}`);
  }

  isClosed(year: number, period: number): boolean {
    return this.closedPeriods.has(`${year}/${period}`);
  }

  private table(resource: string): Map<string, SandboxRecord> {
    let t = this.tables.get(resource);
    if (!t) {
      t = new Map();
      this.tables.set(resource, t);
    }
    return t;
  }
}
