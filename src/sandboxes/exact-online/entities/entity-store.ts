import { randomUUID } from 'node:crypto';
import { sandboxUser } from '../credentials.js';
import type { ExactSettings } from '../settings.js';
import { duplicateError, mandatoryError } from './business-errors.js';
import type { EntityDescriptor, WriteContext } from './entity-descriptor.js';
import type { StoredRow } from './field-types.js';
import type { WriteInput } from './input-values.js';

export interface StoredRecord {
  row: StoredRow;
  children: Record<string, StoredRow[]>;
  /** Row version: the division's counter at the last write (the `Timestamp` of sync endpoints, reference 5.1). */
  timestamp: number;
}

export interface DeletedRecord {
  timestamp: number;
  entityKey: string;
  entityType: number;
  deletedDate: string;
  id: string;
}

/** All rows of one division, plus its global row-version counter and deletion log. */
export class DivisionData {
  /** Starts above 1 because sync consumers begin with `Timestamp gt 1` (reference 5.1). */
  private counter = 1000;
  private readonly tables = new Map<string, Map<string, StoredRecord>>();
  readonly deleted: DeletedRecord[] = [];

  constructor(readonly division: number) {}

  nextTimestamp(): number {
    this.counter += 1;
    return this.counter;
  }

  table(path: string): Map<string, StoredRecord> {
    let table = this.tables.get(path);
    if (!table) {
      table = new Map();
      this.tables.set(path, table);
    }
    return table;
  }

  rows(path: string): StoredRow[] {
    return Array.from(this.table(path).values(), (r) => r.row);
  }

  /** An independent copy: every record, row version and deletion (rows hold only primitives). */
  clone(): DivisionData {
    const copy = new DivisionData(this.division);
    copy.counter = this.counter;
    for (const [path, table] of this.tables) {
      const records = new Map<string, StoredRecord>();
      for (const [key, r] of table) {
        const children: Record<string, StoredRow[]> = {};
        for (const [name, lines] of Object.entries(r.children)) children[name] = lines.map((l) => ({ ...l }));
        records.set(key, { row: { ...r.row }, children, timestamp: r.timestamp });
      }
      copy.tables.set(path, records);
    }
    copy.deleted.push(...this.deleted.map((d) => ({ ...d })));
    return copy;
  }

  /** The first row (in insertion order) whose field equals the value, without copying the table. */
  findBy(path: string, field: string, value: unknown): StoredRow | undefined {
    for (const record of this.table(path).values()) if (record.row[field] === value) return record.row;
    return undefined;
  }
}

function keyText(value: unknown): string {
  return String(value).toLowerCase();
}

function context(data: DivisionData, now: string, settings: ExactSettings): WriteContext {
  return {
    division: data.division,
    now,
    settings,
    rowsOf: (path) => data.rows(path),
    findBy: (path, field, value) => data.findBy(path, field, value),
  };
}

function checkUnique(
  entity: EntityDescriptor,
  data: DivisionData,
  row: StoredRow,
  self: string | undefined,
  settings: ExactSettings,
): void {
  for (const field of entity.uniqueFields ?? []) {
    const value = row[field];
    if (value === undefined || value === null) continue;
    for (const [key, r] of data.table(entity.path)) {
      if (key !== self && r.row[field] === value) throw duplicateError(settings);
    }
  }
}

/** Create a row: mandatory fields, business rules, unique fields, audit fields, row version. */
export function createRecord(
  entity: EntityDescriptor,
  data: DivisionData,
  input: WriteInput,
  now: string,
  settings: ExactSettings,
): StoredRecord {
  const row: StoredRow = {};
  for (const field of entity.fields.scalars) row[field.name] = field.type === 'Boolean' ? false : null;
  Object.assign(row, input.row);
  for (const field of entity.fields.scalars) {
    if (field.mandatory && (row[field.name] === null || row[field.name] === ''))
      throw mandatoryError(settings, field.name);
  }
  row[entity.key] ??= randomUUID();
  const children: Record<string, StoredRow[]> = {};
  for (const [name, child] of Object.entries(entity.children ?? {})) {
    children[name] = (input.children[name] ?? []).map((given) => {
      const line: StoredRow = {};
      for (const field of child.fields.scalars) line[field.name] = field.type === 'Boolean' ? false : null;
      return Object.assign(line, given);
    });
  }
  entity.beforeCreate?.(row, children, context(data, now, settings));
  checkUnique(entity, data, row, undefined, settings);
  Object.assign(row, {
    Division: data.division,
    Created: now,
    Modified: now,
    Creator: sandboxUser.userId,
    Modifier: sandboxUser.userId,
  });
  Object.assign(row, { CreatorFullName: sandboxUser.fullName, ModifierFullName: sandboxUser.fullName });
  const record: StoredRecord = { row, children, timestamp: data.nextTimestamp() };
  data.table(entity.path).set(keyText(row[entity.key]), record);
  return record;
}

export function findRecord(
  entity: EntityDescriptor,
  data: DivisionData,
  key: string,
): StoredRecord | undefined {
  return data.table(entity.path).get(keyText(key));
}

/** Partial update: only the given fields change (reference 7). */
export function updateRecord(
  entity: EntityDescriptor,
  data: DivisionData,
  record: StoredRecord,
  patch: StoredRow,
  now: string,
  settings: ExactSettings,
): void {
  entity.beforeUpdate?.(record.row, patch, context(data, now, settings));
  for (const field of entity.fields.scalars) {
    if (field.mandatory && field.name in patch && (patch[field.name] === null || patch[field.name] === '')) {
      throw mandatoryError(settings, field.name);
    }
  }
  checkUnique(entity, data, patch, keyText(record.row[entity.key]), settings);
  Object.assign(record.row, patch, {
    Modified: now,
    Modifier: sandboxUser.userId,
    ModifierFullName: sandboxUser.fullName,
  });
  record.timestamp = data.nextTimestamp();
}

/** Delete a row and log it for `sync/Deleted` (reference 5.2). */
export function deleteRecord(
  entity: EntityDescriptor,
  data: DivisionData,
  record: StoredRecord,
  now: string,
): void {
  const key = keyText(record.row[entity.key]);
  data.table(entity.path).delete(key);
  if (entity.deletedEntityType !== undefined) {
    data.deleted.push({
      timestamp: data.nextTimestamp(),
      entityKey: key,
      entityType: entity.deletedEntityType,
      deletedDate: now,
      id: randomUUID(),
    });
  }
}
