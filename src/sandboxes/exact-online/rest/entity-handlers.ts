import type { EntityDescriptor } from '../entities/entity-descriptor.js';
import { childFieldLists } from '../entities/entity-descriptor.js';
import type { DivisionData, StoredRecord } from '../entities/entity-store.js';
import { createRecord, deleteRecord, findRecord, updateRecord } from '../entities/entity-store.js';
import { readWriteBody } from '../entities/input-values.js';
import {
  checkEndpointRules,
  collectionEnvelope,
  selectRecords,
  stringComparisonOf,
} from '../odata/collection-page.js';
import { readQueryOptions } from '../odata/query-options.js';
import { recordJson } from '../odata/row-json.js';
import { ODataError, exactMessages, querySyntaxError } from '../odata-error.js';
import type { ExactSettings } from '../settings.js';
import type { ApiRequest, ApiResponse } from './api-exchange.js';

const guidKey = /^guid'([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})'$/i;

/** The key inside `Entity(…)`: `guid'…'` for Guid keys, `'…'` for string keys, digits for integer keys (reference 1.2). */
export function readKey(entity: EntityDescriptor, text: string): string {
  if (entity.fieldTypes.get(entity.key) === 'Guid') {
    const m = guidKey.exec(text);
    // The empty guid is refused like any malformed key (reference 7, S10 #401).
    if (!m || /^[0-]+$/.test(m[1] ?? '')) throw querySyntaxError();
    return (m[1] ?? '').toLowerCase();
  }
  if (entity.fieldTypes.get(entity.key) === 'String') {
    // String keys are quoted with '' escaping, e.g. general/Currencies('EUR').
    const m = /^'((?:[^']|'')*)'$/.exec(text);
    if (!m) throw querySyntaxError();
    return (m[1] ?? '').replace(/''/g, "'");
  }
  if (!/^\d+$/.test(text)) throw querySyntaxError();
  return text;
}

/** GET on a collection, or `/$count` of it (a bare integer as text, reference 4.2). */
export function getCollection(
  entity: EntityDescriptor,
  records: StoredRecord[],
  req: ApiRequest,
  settings: ExactSettings,
  count: boolean,
): ApiResponse {
  const options = readQueryOptions(req.params, entity);
  checkEndpointRules(entity, options);
  const selected = selectRecords(entity, records, options, stringComparisonOf(settings));
  if (count) return { status: 200, text: String(selected.length) };
  const page = {
    entity,
    options,
    settings,
    divisionUrl: req.divisionUrl,
    requestUrl: req.requestUrl,
    queryParts: req.queryParts,
  };
  return { status: 200, json: collectionEnvelope(selected, page) };
}

/** GET `Entity(key)`: `{"d":{row}}`; an unknown key is a 404 (UNCONFIRMED text, reference 4.6). */
export function getOne(
  entity: EntityDescriptor,
  record: StoredRecord | undefined,
  req: ApiRequest,
): ApiResponse {
  const options = readQueryOptions(req.params, entity);
  if (!record) throw notFound();
  const shape = {
    divisionUrl: req.divisionUrl,
    select: options.select,
    childSelect: options.childSelect,
    expand: options.expand,
  };
  return { status: 200, json: { d: recordJson(entity, record, shape) } };
}

export function notFound(): ODataError {
  return new ODataError(404, 'Not found');
}

export function parseJsonBody(req: ApiRequest): unknown {
  if (!req.contentType?.toLowerCase().startsWith('application/json'))
    throw new ODataError(400, exactMessages.requestStream);
  try {
    return JSON.parse(req.body) as unknown;
  } catch {
    throw new ODataError(400, exactMessages.requestStream);
  }
}

/**
 * POST: with `Prefer: return=representation` the full created row comes back, otherwise a row
 * that is mostly null (reference 4.1); Exact's exact "mostly" is not documented, so only the key
 * and `__metadata` are filled.
 */
export function postRecord(
  entity: EntityDescriptor,
  data: DivisionData,
  req: ApiRequest,
  settings: ExactSettings,
  now: string,
): ApiResponse {
  const input = readWriteBody(parseJsonBody(req), entity.fields, 'POST', settings, childFieldLists(entity));
  const record = createRecord(entity, data, input, now, settings);
  return postAnswer(entity, record, req, settings);
}

/** The answer to a POST that created `record` (full or mostly null, see `postRecord`). */
export function postAnswer(
  entity: EntityDescriptor,
  record: StoredRecord,
  req: ApiRequest,
  settings: ExactSettings,
): ApiResponse {
  const shape = { divisionUrl: req.divisionUrl, expand: new Set(Object.keys(entity.children ?? {})) };
  const full = recordJson(entity, record, shape);
  if (/return=representation/i.test(req.prefer ?? ''))
    return { status: settings.postStatus, json: { d: full } };
  const sparse: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(full)) {
    sparse[name] =
      name === '__metadata' || name === entity.key
        ? value
        : typeof value === 'object' && value !== null
          ? value
          : null;
  }
  return { status: settings.postStatus, json: { d: sparse } };
}

/** PUT `Entity(key)`: partial update, `putStatus` (204) with no body (reference 4.2, 7). */
export function putRecord(
  entity: EntityDescriptor,
  data: DivisionData,
  key: string,
  req: ApiRequest,
  settings: ExactSettings,
  now: string,
): ApiResponse {
  const record = findRecord(entity, data, key);
  if (!record) throw notFound();
  const input = readWriteBody(parseJsonBody(req), entity.fields, 'PUT', settings);
  updateRecord(entity, data, record, input.row, now, settings);
  return { status: settings.putStatus, empty: true };
}

/** DELETE `Entity(key)`: 204 with no body. */
export function deleteOne(
  entity: EntityDescriptor,
  data: DivisionData,
  key: string,
  now: string,
  settings?: ExactSettings,
): ApiResponse {
  const record = findRecord(entity, data, key);
  if (!record) throw notFound();
  deleteRecord(entity, data, record, now, settings);
  return { status: 204, empty: true };
}
