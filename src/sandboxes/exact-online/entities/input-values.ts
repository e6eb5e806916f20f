import { parseIsoToWallClock, toAmsterdamWallClock } from '../amsterdam-time.js';
import { ODataError, exactMessages } from '../odata-error.js';
import type { ExactSettings } from '../settings.js';
import type { FieldList } from './field-list.js';
import type { ScalarType, StoredRow, StoredValue } from './field-types.js';

const guidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const exactDatePattern = /^\/Date\((-?\d+)\)\/$/;

function badBody(): ODataError {
  return new ODataError(400, exactMessages.requestStream);
}

/** One JSON value from a request body as a stored value of `type`; a mismatch is the request-stream 400. */
export function toStoredValue(value: unknown, type: ScalarType, settings: ExactSettings): StoredValue {
  if (value === null) return null;
  switch (type) {
    case 'Guid':
      if (typeof value !== 'string' || !guidPattern.test(value)) throw badBody();
      return value.toLowerCase();
    case 'String':
    case 'Binary':
      if (typeof value !== 'string') throw badBody();
      return value;
    case 'Boolean':
      if (typeof value !== 'boolean') throw badBody();
      return value;
    case 'DateTime': {
      if (typeof value !== 'string') throw badBody();
      const exact = exactDatePattern.exec(value);
      // `/Date(ms)/` is wall-clock disguised as epoch ms; read it back the same way.
      if (exact) return new Date(Number(exact[1])).toISOString().slice(0, 23);
      const wall = parseIsoToWallClock(value, settings.isoOffsetInput);
      if (wall === undefined) throw badBody();
      return wall;
    }
    case 'Double':
    case 'Int64': {
      // Int64 may arrive as a string in OData v2 (reference 4.5: accept both).
      const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isFinite(n)) throw badBody();
      if (type === 'Int64' && !Number.isInteger(n)) throw badBody();
      return n;
    }
    default:
      if (typeof value !== 'number' || !Number.isInteger(value)) throw badBody();
      return value;
  }
}

export interface WriteInput {
  row: StoredRow;
  children: Record<string, StoredRow[]>;
}

/**
 * A POST or PUT body as stored values. Fields the method may not write (read-only lookups, audit
 * fields, POST-only fields on PUT) are dropped, as Exact is presumed to ignore them (reference 7.1,
 * IsSales, UNCONFIRMED); names the entity does not have are the request-stream 400.
 */
export function readWriteBody(
  body: unknown,
  fields: FieldList,
  method: 'POST' | 'PUT',
  settings: ExactSettings,
  childFields: ReadonlyMap<string, FieldList> = new Map(),
): WriteInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badBody();
  const row: StoredRow = {};
  const children: Record<string, StoredRow[]> = {};
  for (const [name, value] of Object.entries(body)) {
    if (name === '__metadata') continue;
    const field = fields.scalars.find((f) => f.name === name);
    if (field) {
      if (method === 'POST' ? field.post : field.put) row[name] = toStoredValue(value, field.type, settings);
      continue;
    }
    const child = childFields.get(name);
    if (child && method === 'POST') {
      if (!Array.isArray(value)) throw badBody();
      children[name] = value.map((v) => readWriteBody(v, child, 'POST', settings).row);
      continue;
    }
    if (fields.collections.has(name)) continue;
    throw badBody();
  }
  return { row, children };
}

/** Amsterdam wall-clock of an instant, the form audit fields are stored in. */
export function wallClockNow(now: Date): string {
  return toAmsterdamWallClock(now);
}
