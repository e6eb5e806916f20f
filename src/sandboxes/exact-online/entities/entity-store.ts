import { randomUUID } from 'node:crypto';
import { sandboxUser } from '../credentials.js';
import type { ExactSettings } from '../settings.js';
import { defaultExactSettings } from '../settings.js';
import { duplicateError, mandatoryError } from './business-errors.js';
import type { EntityDescriptor, WriteContext } from './entity-descriptor.js';
import type { FieldList } from './field-list.js';
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

/** One committed write, as write listeners (webhook deliveries, reference 6.3) hear it. */
export interface WriteEvent {
  /** The entity's `service/Entity` path, e.g. `crm/Accounts`. */
  path: string;
  /** The row key as stored (lowercase guid or integer text). */
  key: string;
  action: 'Create' | 'Update' | 'Delete';
}
/** Where every division's row-version counter starts; the `rowVersionStart` setting shifts it when exposed. */
export const initialRowVersion = 1000;

/** All rows of one division, plus its global row-version counter and deletion log. */
export class DivisionData {
  /** Starts above 1 because sync consumers begin with `Timestamp gt 1` (reference 5.1). */
  private counter = initialRowVersion;
  private readonly tables = new Map<string, Map<string, StoredRecord>>();
  readonly deleted: DeletedRecord[] = [];
  /** Entry-number counters per journal and year prefix (see `nextEntryNumber` in ledger.ts). */
  readonly entryCounters = new Map<string, number>();
  private readonly writeListeners: Array<(event: WriteEvent) => void> = [];

  constructor(readonly division: number) {}

  /** Be told of every create, update and delete in this division, after it is stored. */
  onWrite(listener: (event: WriteEvent) => void): void {
    this.writeListeners.push(listener);
  }

  emitWrite(event: WriteEvent): void {
    for (const listener of this.writeListeners) listener(event);
  }

  /** The counter's current value: the row version of the latest write. */
  get rowVersion(): number {
    return this.counter;
  }

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

  /**
   * An independent copy: every record, row version, deletion and entry-number counter (rows hold
   * only primitives). `listenersOf` gives it that division's write listeners (webhooks). A row that
   * is both a document's line and a record of its lines table (`ChildDescriptor.indexed`) stays one
   * object in the copy, so a change through the lines endpoint still reaches the document.
   */
  clone(listenersOf?: DivisionData): DivisionData {
    const copy = new DivisionData(this.division);
    if (listenersOf) copy.writeListeners.push(...listenersOf.writeListeners);
    copy.counter = this.counter;
    const copied = new Map<StoredRow, StoredRow>();
    const copyRow = (row: StoredRow): StoredRow => {
      let out = copied.get(row);
      if (!out) {
        out = { ...row };
        copied.set(row, out);
      }
      return out;
    };
    for (const [path, table] of this.tables) {
      const records = new Map<string, StoredRecord>();
      for (const [key, r] of table) {
        const children: Record<string, StoredRow[]> = {};
        for (const [name, lines] of Object.entries(r.children)) children[name] = lines.map(copyRow);
        records.set(key, { row: copyRow(r.row), children, timestamp: r.timestamp });
      }
      copy.tables.set(path, records);
    }
    copy.deleted.push(...this.deleted.map((d) => ({ ...d })));
    for (const [prefix, sequence] of this.entryCounters) copy.entryCounters.set(prefix, sequence);
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
    update(path, key, patch) {
      const record = data.table(path).get(keyText(key));
      if (!record) return;
      Object.assign(record.row, patch, {
        Modified: now,
        Modifier: sandboxUser.userId,
        ModifierFullName: sandboxUser.fullName,
      });
      record.timestamp = data.nextTimestamp();
      data.emitWrite({ path, key: keyText(key), action: 'Update' });
    },
    create: (entity, row) => createRecord(entity, data, { row, children: {} }, now, settings).row,
    childrenOf: (path, key, name) => data.table(path).get(keyText(key))?.children[name] ?? [],
    data,
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

const blanks = new WeakMap<FieldList, StoredRow>();

/**
 * Every field of an entity at its default (false or null). Copied with a spread rather than filled
 * key by key, which would turn each row into a slow dictionary-mode object (seeding thousands of
 * rows took several times longer).
 */
function blankRow(fields: FieldList): StoredRow {
  let blank = blanks.get(fields);
  if (!blank) {
    const entries = fields.scalars.map((f) => [f.name, f.type === 'Boolean' ? false : null]);
    // JSON.parse builds a fast-properties object; spreads of it stay fast.
    blank = JSON.parse(JSON.stringify(Object.fromEntries(entries))) as StoredRow;
    blanks.set(fields, blank);
  }
  return blank;
}

/** Create a row: mandatory fields, business rules, unique fields, audit fields, row version. */
export function createRecord(
  entity: EntityDescriptor,
  data: DivisionData,
  input: WriteInput,
  now: string,
  settings: ExactSettings,
): StoredRecord {
  const row: StoredRow = { ...blankRow(entity.fields) };
  Object.assign(row, input.row);
  for (const field of entity.fields.scalars) {
    if (field.mandatory && (row[field.name] === null || row[field.name] === ''))
      throw mandatoryError(settings, field.name);
  }
  if (entity.findExisting) {
    const existing = entity.findExisting(row, context(data, now, settings));
    const record = existing === undefined ? undefined : data.table(entity.path).get(keyText(existing));
    if (record) return record;
  }
  row[entity.key] ??= randomUUID();
  const children: Record<string, StoredRow[]> = {};
  for (const [name, child] of Object.entries(entity.children ?? {})) {
    children[name] = (input.children[name] ?? []).map((given) => {
      const line: StoredRow = { ...blankRow(child.fields) };
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
  indexLines(entity, data, record, 'all', settings);
  data.emitWrite({ path: entity.path, key: keyText(row[entity.key]), action: 'Create' });
  entity.afterCreate?.(record, context(data, now, settings));
  return record;
}

export function findRecord(
  entity: EntityDescriptor,
  data: DivisionData,
  key: string,
): StoredRecord | undefined {
  return data.table(entity.path).get(keyText(key));
}

/**
 * Give a document's indexed lines (`ChildDescriptor.indexed`) their place in their lines table and
 * new row versions, after the document's own. Which lines get one is the `syncLineVersions` model
 * (UNCONFIRMED, reference 5.1): with `document` all of them; with `line` the `changed` ones, or all
 * when the change is the header's own (`'all'`). A line not yet in the table always gets one.
 */
function indexLines(
  entity: EntityDescriptor,
  data: DivisionData,
  record: StoredRecord,
  changed: 'all' | readonly StoredRow[],
  settings: ExactSettings,
): void {
  for (const [name, child] of Object.entries(entity.children ?? {})) {
    if (!child.indexed) continue;
    const table = data.table(child.path);
    for (const line of record.children[name] ?? []) {
      const key = keyText(line[child.key]);
      const indexed = table.get(key);
      if (!indexed || indexed.row !== line) {
        table.set(key, { row: line, children: {}, timestamp: data.nextTimestamp() });
        continue;
      }
      if (changed === 'all' || settings.syncLineVersions === 'document' || changed.includes(line))
        indexed.timestamp = data.nextTimestamp();
    }
  }
}

/**
 * Partial update: only the given fields change (reference 7). `changedLines` names the lines whose
 * change this header update follows (a line written through its own endpoint); without it the
 * change is the header's own. It decides which line rows get new versions (see `indexLines`).
 */
export function updateRecord(
  entity: EntityDescriptor,
  data: DivisionData,
  record: StoredRecord,
  patch: StoredRow,
  now: string,
  settings: ExactSettings,
  changedLines?: readonly StoredRow[],
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
  indexLines(entity, data, record, changedLines ?? 'all', settings);
  data.emitWrite({ path: entity.path, key: keyText(record.row[entity.key]), action: 'Update' });
  entity.afterUpdate?.(record, context(data, now, settings));
}

/** Delete a row and log it for `sync/Deleted` (reference 5.2). */
export function deleteRecord(
  entity: EntityDescriptor,
  data: DivisionData,
  record: StoredRecord,
  now: string,
  settings: ExactSettings = defaultExactSettings,
): void {
  const ctx = context(data, now, settings);
  entity.beforeDelete?.(record, ctx);
  const key = keyText(record.row[entity.key]);
  data.table(entity.path).delete(key);
  for (const [name, child] of Object.entries(entity.children ?? {})) {
    if (!child.indexed) continue;
    for (const line of record.children[name] ?? []) data.table(child.path).delete(keyText(line[child.key]));
  }
  entity.afterDelete?.(record, ctx);
  const entries =
    entity.deletions?.(record, settings) ??
    (entity.deletedEntityType === undefined
      ? []
      : [{ entityType: entity.deletedEntityType, entityKey: key }]);
  for (const entry of entries) {
    data.deleted.push({
      timestamp: data.nextTimestamp(),
      entityKey: keyText(entry.entityKey),
      entityType: entry.entityType,
      deletedDate: now,
      id: randomUUID(),
    });
  }
  data.emitWrite({ path: entity.path, key, action: 'Delete' });
}
