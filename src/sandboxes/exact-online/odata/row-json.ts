import { toExactDate } from '../amsterdam-time.js';
import type { EntityDescriptor } from '../entities/entity-descriptor.js';
import type { StoredRecord } from '../entities/entity-store.js';
import type { FieldSpec } from '../entities/field-list.js';
import type { StoredRow } from '../entities/field-types.js';

export type JsonRow = Record<string, unknown>;

const guidText = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `Entity(guid'…')`, `Entity(n)` for integer keys, `Entity('…')` for string keys (reference 1.2). */
export function keySegment(value: unknown): string {
  if (typeof value === 'number') return `(${value})`;
  const text = String(value);
  return guidText.test(text) ? `(guid'${text}')` : `('${text.replace(/'/g, "''")}')`;
}

function scalarsJson(row: StoredRow, fields: FieldSpec[], wanted: Set<string> | undefined): JsonRow {
  const out: JsonRow = {};
  for (const field of fields) {
    if (wanted && !wanted.has(field.name) && !wanted.has('*')) continue;
    const value = row[field.name] ?? null;
    // DateTimes go out as /Date(ms)/ of Amsterdam wall-clock (reference 4.5).
    out[field.name] = field.type === 'DateTime' && typeof value === 'string' ? toExactDate(value) : value;
  }
  return out;
}

export interface RowShape {
  /** `{base}/api/v1/{division}/` */
  divisionUrl: string;
  select?: Set<string> | undefined;
  childSelect?: Map<string, Set<string>>;
  expand?: Set<string>;
}

/**
 * One record in the verbose JSON form: `__metadata` first, then fields; child collections are
 * `{"results":[…]}` when expanded and `{"__deferred":{"uri":…}}` otherwise (reference 4.2).
 */
export function recordJson(entity: EntityDescriptor, record: StoredRecord, shape: RowShape): JsonRow {
  const uri = `${shape.divisionUrl}${entity.path}${keySegment(record.row[entity.key])}`;
  const out: JsonRow = { __metadata: { uri, type: entity.typeName } };
  Object.assign(out, scalarsJson(record.row, entity.fields.scalars, shape.select));
  for (const name of entity.fields.collections.keys()) {
    if (shape.select && !shape.select.has(name)) continue;
    const child = entity.children?.[name];
    if (child && shape.expand?.has(name)) {
      const results = (record.children[name] ?? []).map((line) => ({
        __metadata: {
          uri: `${shape.divisionUrl}${child.path}${keySegment(line[child.key])}`,
          type: child.typeName,
        },
        ...scalarsJson(line, child.fields.scalars, shape.childSelect?.get(name)),
      }));
      out[name] = { results };
    } else {
      out[name] = { __deferred: { uri: `${uri}/${name}` } };
    }
  }
  return out;
}

/** Any plain row (Me, Divisions) with `__metadata` and /Date()/ conversion of the named date fields. */
export function plainRowJson(
  row: StoredRow,
  uri: string,
  type: string,
  dateFields: readonly string[],
): JsonRow {
  const out: JsonRow = { __metadata: { uri, type } };
  for (const [name, value] of Object.entries(row)) {
    out[name] = dateFields.includes(name) && typeof value === 'string' ? toExactDate(value) : value;
  }
  return out;
}
