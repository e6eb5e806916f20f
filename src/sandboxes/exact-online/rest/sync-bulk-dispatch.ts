import { parseIsoToWallClock, toAmsterdamWallClock, toExactDate, wallClockMs } from '../amsterdam-time.js';
import { sandboxUser } from '../credentials.js';
import { findEntity } from '../entities/entity-catalog.js';
import type { EntityDescriptor } from '../entities/entity-descriptor.js';
import type { DivisionData, StoredRecord } from '../entities/entity-store.js';
import { initialRowVersion } from '../entities/entity-store.js';
import type { FieldSpec } from '../entities/field-list.js';
import type { StoredRow } from '../entities/field-types.js';
import { collectionEnvelope, selectRecords } from '../odata/collection-page.js';
import { readQueryOptions } from '../odata/query-options.js';
import { plainRowJson } from '../odata/row-json.js';
import type { SyncFilter } from '../odata/sync-filter.js';
import { parseSyncFilter } from '../odata/sync-filter.js';
import { ODataError, exactMessages, querySyntaxError } from '../odata-error.js';
import type { SandboxState } from '../sandbox-state.js';
import type { ExactSettings } from '../settings.js';
import type { ApiRequest, ApiResponse } from './api-exchange.js';
import type { SyncRow } from './sync-line-feeds.js';
import type { BulkViewSpec, ResolvedSyncView } from './sync-views.js';
import { bulkViews, findView, resolveSyncView, syncViews } from './sync-views.js';

/** Sync and bulk endpoints answer at most 1,000 rows per page (reference 4.3). */
const syncPageSize = 1000 as const;

/** The paths this module answers: `sync/…`, `bulk/…`, `read/sync/…` (case-insensitive, reference 5.3). */
export function isSyncOrBulkPath(rest: string): boolean {
  return /^(sync|bulk|read\/sync)\//i.test(rest);
}

function methodNotAllowed(): ODataError {
  return new ODataError(405, 'Method not allowed');
}

function notFound(): ODataError {
  return new ODataError(404, 'Not found');
}

/** Route a `sync/`, `bulk/` or `read/sync/` request; all of them are read-only. */
export function dispatchSyncOrBulk(
  division: number,
  rest: string,
  req: ApiRequest,
  state: SandboxState,
): ApiResponse {
  const data = state.division(division);
  if (!data) throw notFound();
  const path = rest.toLowerCase();
  if (path === 'read/sync/sync/synctimestamp') {
    if (req.method !== 'GET') throw methodNotAllowed();
    return syncTimestamp(data, req, state);
  }
  if (path === 'sync/deleted') {
    if (req.method !== 'GET') throw methodNotAllowed();
    return deletedPage(data, req, state);
  }
  const sync = findView(syncViews, rest);
  if (sync) {
    const view = resolveSyncView(sync);
    if (!view) throw notFound();
    if (req.method !== 'GET') throw methodNotAllowed();
    return syncPage(
      { path: sync.path, typeName: sync.typeName ?? view.entity.typeName, fields: view.fields },
      syncViewRows(view, data, state.settings),
      req,
      state.settings,
    );
  }
  const bulk = findView(bulkViews, rest);
  const resolved = bulk && resolveBulkView(bulk);
  if (!bulk || !resolved) throw notFound();
  // There is no bulk write (reference 5.3).
  if (req.method !== 'GET') throw methodNotAllowed();
  return bulkPage(resolved, bulkRecords(bulk, data), req, state.settings);
}

/** The rows of a sync view with their row versions: its own rows, or one per source record. */
function syncViewRows(view: ResolvedSyncView, data: DivisionData, settings: ExactSettings): SyncRow[] {
  const { spec } = view;
  if (spec.rows)
    return spec.rows(
      view.fields.map((f) => f.name),
      data,
      settings,
    );
  const derive = spec.derive;
  return [...data.table(view.entity.path).values()].map((r) => ({
    row: derive ? () => derive(r.row) : () => r.row,
    timestamp: r.timestamp,
  }));
}

// ---------------------------------------------------------------- row versions

/** A stored counter value as the Int64 the API shows, shifted by the `rowVersionStart` setting. */
export function exposedTimestamp(counter: number, settings: ExactSettings): bigint {
  return BigInt(settings.rowVersionStart) + BigInt(counter - initialRowVersion);
}

/** Int64 out: a JSON string by default; as a number only where a number can hold it exactly. */
function int64Json(value: bigint, settings: ExactSettings): string | number {
  if (!settings.int64AsString && value <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(value);
  return value.toString();
}

// ---------------------------------------------------------------- sync views

export interface SyncShape {
  path: string;
  typeName: string;
  fields: FieldSpec[];
}

const syncOptions = ['$select', '$filter', '$skiptoken', '$top', '$format'];

/** `$select` is required on sync endpoints and `*` is refused (reference 4.4, 5.1). */
function readSyncSelect(params: URLSearchParams, fields: readonly FieldSpec[]): Set<string> {
  const text = params.get('$select');
  if (text === null || text.trim() === '') throw new ODataError(400, exactMessages.selectOrTop);
  const selected = new Set<string>();
  for (const name of text.split(',').map((s) => s.trim())) {
    // Exact's text for a refused `*` is not captured; the generic query-syntax 400 stands in.
    if (name === '*' || !fields.some((f) => f.name === name)) throw querySyntaxError();
    selected.add(name);
  }
  return selected;
}

function readSyncQuery(
  params: URLSearchParams,
  fields: readonly FieldSpec[],
  equalFields: readonly string[],
): { select: Set<string>; filter: SyncFilter; after?: bigint; top?: number } {
  for (const name of params.keys()) {
    if (name.startsWith('$') && !syncOptions.includes(name)) throw querySyntaxError();
  }
  const filterText = params.get('$filter');
  const filter = filterText === null ? { equals: new Map() } : parseSyncFilter(filterText, equalFields);
  const select = readSyncSelect(params, fields);
  const out: { select: Set<string>; filter: SyncFilter; after?: bigint; top?: number } = { select, filter };
  const token = params.get('$skiptoken');
  if (token !== null) {
    // The sync skiptoken's format is not captured (reference 4.3); here it is the last Timestamp.
    const m = /^(\d+)L?$/.exec(token);
    if (!m) throw querySyntaxError();
    out.after = BigInt(m[1] ?? '');
  }
  const top = params.get('$top');
  if (top !== null) {
    if (!/^\d+$/.test(top)) throw querySyntaxError();
    out.top = Number(top);
  }
  return out;
}

function syncRowJson(
  shape: SyncShape,
  row: StoredRow,
  timestamp: bigint,
  select: Set<string>,
  req: ApiRequest,
  settings: ExactSettings,
): Record<string, unknown> {
  const uri = `${req.divisionUrl}${shape.path}(${timestamp}L)`;
  const out: Record<string, unknown> = { __metadata: { uri, type: shape.typeName } };
  for (const field of shape.fields) {
    if (!select.has(field.name)) continue;
    if (field.name === 'Timestamp') {
      out[field.name] = int64Json(timestamp, settings);
      continue;
    }
    const value = row[field.name] ?? null;
    out[field.name] = field.type === 'DateTime' && typeof value === 'string' ? toExactDate(value) : value;
  }
  return out;
}

/**
 * One page of a sync view: rows above the filter's Timestamp and the skiptoken, in Timestamp
 * order, 1,000 at most (reference 4.3, 5.1). The skiptoken is the last Timestamp sent, so a row
 * changed between two pages moves past it and comes again on a later page; none is lost.
 */
function syncPage(
  shape: SyncShape,
  rows: SyncRow[],
  req: ApiRequest,
  settings: ExactSettings,
  equalFields: readonly string[] = [],
): ApiResponse {
  const query = readSyncQuery(req.params, shape.fields, equalFields);
  const floor = [query.filter.after, query.after].reduce<bigint | undefined>(
    (a, b) => (b === undefined ? a : a === undefined || b > a ? b : a),
    undefined,
  );
  const candidates = rows
    .map((r) => ({ row: r.row, ts: exposedTimestamp(r.timestamp, settings) }))
    .filter((r) => floor === undefined || r.ts > floor)
    .filter((r) =>
      [...query.filter.equals].every(([field, value]) => {
        const v = r.row()[field];
        return typeof v === 'number' && BigInt(v) === value;
      }),
    )
    .sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
  const limit = Math.min(syncPageSize, query.top ?? syncPageSize);
  const page = candidates.slice(0, limit);
  // Rows are built only for the page sent: a document feed's rows are assembled from header and line.
  const results = page.map((r) => syncRowJson(shape, r.row(), r.ts, query.select, req, settings));
  const d: Record<string, unknown> = { results };
  const last = page.at(-1);
  // $top limits a page, not the whole read: Exact users saw __next keep going (reference 4.3, S10 #587).
  if (last && candidates.length > page.length) {
    d['__next'] = `${req.requestUrl}?${[...req.queryParts, `$skiptoken=${last.ts}L`].join('&')}`;
  }
  return { status: 200, json: { d } };
}

// ---------------------------------------------------------------- sync/Deleted

export const deletedShape: SyncShape = {
  path: 'sync/Deleted',
  typeName: 'Exact.Web.Api.Models.Sync.Deleted',
  // Appendix A, sync/Deleted.
  fields: [
    ['Timestamp', 'Int64'],
    ['DeletedBy', 'Guid'],
    ['DeletedDate', 'DateTime'],
    ['Division', 'Int32'],
    ['EntityKey', 'Guid'],
    ['EntityType', 'Int32'],
    ['ID', 'Guid'],
  ].map(([name, type]) => ({
    name: name ?? '',
    type: type as FieldSpec['type'],
    key: name === 'Timestamp',
    post: false,
    put: false,
    mandatory: false,
  })),
};

/** Drop deletions older than the retention (2 months, reference 5.2) on the sandbox clock. */
function pruneDeleted(data: DivisionData, state: SandboxState): void {
  const cutoff = state.clock.now();
  cutoff.setUTCMonth(cutoff.getUTCMonth() - state.settings.deletedRetentionMonths);
  const oldest = toAmsterdamWallClock(cutoff);
  const kept = data.deleted.filter((d) => d.deletedDate >= oldest);
  data.deleted.splice(0, data.deleted.length, ...kept);
}

function deletedPage(data: DivisionData, req: ApiRequest, state: SandboxState): ApiResponse {
  pruneDeleted(data, state);
  const rows = data.deleted.map((d) => {
    const row = {
      DeletedBy: sandboxUser.userId,
      DeletedDate: d.deletedDate,
      Division: data.division,
      EntityKey: d.entityKey,
      EntityType: d.entityType,
      ID: d.id,
    };
    return { row: () => row, timestamp: d.timestamp };
  });
  // Exact's own demo filters on EntityType as well (reference 5.1).
  return syncPage(deletedShape, rows, req, state.settings, ['EntityType']);
}

// ---------------------------------------------------------------- SyncTimestamp

/** `endPoint` values the reference lists (5.1); the sandbox's own sync view names are accepted too. */
const syncTimestampEndpoints = [
  'QuotationHeaders',
  'QuotationLines',
  'TransactionLines',
  'ItemStorageLocations',
  'ShopOrders',
  'ShopOrderMaterialPlans',
  'ShopOrderRoutingStepPlans',
  'ShopOrderPurchasePlanning',
  'ShopOrderSubOrders',
  'MaterialIssues',
  'BillOfMaterialVersions',
  'BillOfMaterialMaterials',
  'PurchaseOrders',
  'Projects',
  'ProjectPlanning',
  'ProjectWBS',
  'TimeCostTransactions',
  'SalesInvoices',
  'GoodsDeliveries',
  'GoodsDeliveryLines',
  'SalesOrderHeaders',
  'SalesOrderLines',
  'Subscriptions',
  'SubscriptionLines',
];

function param(params: URLSearchParams, name: string): string | undefined {
  for (const [key, value] of params) if (key.toLowerCase() === name.toLowerCase()) return value;
  return undefined;
}

/**
 * `read/sync/Sync/SyncTimestamp?modified=datetime'…'&endPoint='…'` (reference 5.1): the first
 * Timestamp at or after `modified` on that endpoint, in a function answer (`d` array). With no such
 * row it is the next Timestamp the division will hand out (the sandbox's choice), so a sync from
 * there starts with what changes next. Missing or malformed parameters are the query-syntax 400.
 */
function syncTimestamp(data: DivisionData, req: ApiRequest, state: SandboxState): ApiResponse {
  const modifiedText = /^datetime'([^']*)'$/.exec(param(req.params, 'modified') ?? '')?.[1];
  const endPoint = /^'([A-Za-z]+)'$/.exec(param(req.params, 'endPoint') ?? '')?.[1];
  const modified = modifiedText === undefined ? undefined : parseIsoToWallClock(modifiedText, 'ignore');
  if (modified === undefined || endPoint === undefined) throw querySyntaxError();
  const views = syncViews.filter((v) => v.path.split('/').at(-1)?.toLowerCase() === endPoint.toLowerCase());
  const listed = syncTimestampEndpoints.some((e) => e.toLowerCase() === endPoint.toLowerCase());
  if (!listed && views.length === 0) throw querySyntaxError();
  const since = wallClockMs(modified);
  let first: number | undefined;
  for (const spec of views) {
    const view = resolveSyncView(spec);
    if (!view) continue;
    for (const record of syncViewRows(view, data, state.settings)) {
      const changed = record.row()['Modified'];
      if (typeof changed !== 'string' || wallClockMs(changed) < since) continue;
      if (first === undefined || record.timestamp < first) first = record.timestamp;
    }
  }
  const ts = exposedTimestamp(first ?? data.rowVersion + 1, state.settings);
  const row = {
    TimeStampAsBigInt: int64Json(ts, state.settings),
    Modified: modified,
    API: endPoint,
  };
  const type = 'Exact.Web.Api.Models.Sync.SyncTimestamp';
  return { status: 200, json: { d: [plainRowJson(row, req.requestUrl, type, ['Modified'])] } };
}

// ---------------------------------------------------------------- bulk views

/** A bulk view as an entity descriptor: GET only, 1,000 per page, no `$skip` (reference 4.3, 5.3). */
export function resolveBulkView(spec: BulkViewSpec): EntityDescriptor | undefined {
  const entity = findEntity(spec.source);
  if (!entity) return undefined;
  const readOnly = {
    path: spec.path,
    methods: ['GET'] as const,
    pageSize: syncPageSize,
    skipAllowed: false,
    requiresSelectOrTop: false,
  };
  if (!spec.child) {
    // Which bulk endpoints have mandatory filtering is not listed (reference 3.4); none here.
    const { beforeCreate: _c, beforeUpdate: _u, mandatoryFilterFields: _m, ...rest } = entity;
    return { ...rest, ...readOnly };
  }
  const child = entity.children?.[spec.child];
  if (!child) return undefined;
  return {
    ...readOnly,
    typeName: child.typeName,
    key: child.key,
    fields: child.fields,
    fieldTypes: child.fieldTypes,
  };
}

function bulkRecords(spec: BulkViewSpec, data: DivisionData): StoredRecord[] {
  const source = findEntity(spec.source);
  if (!source) return [];
  const records = [...data.table(source.path).values()];
  if (!spec.child) return records;
  const child = spec.child;
  return records.flatMap((r) =>
    (r.children[child] ?? []).map((line) => ({ row: line, children: {}, timestamp: r.timestamp })),
  );
}

/** `$select` is mandatory on bulk endpoints (reference 4.4, 5.3); the text is the one seen on BulkContacts. */
function bulkPage(
  view: EntityDescriptor,
  records: StoredRecord[],
  req: ApiRequest,
  settings: ExactSettings,
): ApiResponse {
  const options = readQueryOptions(req.params, view);
  if (req.params.get('$select') === null) throw new ODataError(400, exactMessages.selectOrTop);
  const selected = selectRecords(view, records, options);
  const page = {
    entity: view,
    options,
    settings,
    divisionUrl: req.divisionUrl,
    requestUrl: req.requestUrl,
    queryParts: req.queryParts,
  };
  return { status: 200, json: collectionEnvelope(selected, page) };
}
