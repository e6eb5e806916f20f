import { findEntity, findReadFunction } from '../entities/entity-catalog.js';
import type { EntityMethod } from '../entities/entity-descriptor.js';
import { entityMethods } from '../entities/entity-descriptor.js';
import { findRecord } from '../entities/entity-store.js';
import { divisionRecord, systemDivisionsEntity } from '../entities/system-divisions.js';
import { ODataError } from '../odata-error.js';
import type { SandboxState } from '../sandbox-state.js';
import type { AccessToken } from '../oauth/token-store.js';
import { toAmsterdamWallClock } from '../amsterdam-time.js';
import type { ApiRequest, ApiResponse } from './api-exchange.js';
import {
  deleteOne,
  getCollection,
  getOne,
  notFound,
  postRecord,
  putRecord,
  readKey,
} from './entity-handlers.js';
import { getNavigation } from './navigation-handler.js';
import { answerReadFunction } from './read-function-handler.js';
import { dispatchSyncOrBulk, isSyncOrBulkPath } from './sync-bulk-dispatch.js';
import { bulkViews, findView } from './sync-views.js';

/**
 * `service/Entity` or `read/service/Function`, an optional `(key)`, an optional navigation to a
 * child collection (`/SalesOrderLines`, the `__deferred` links) and an optional `/$count`.
 */
const endpointPattern = /^((?:read\/)?[A-Za-z]+\/[A-Za-z]+)(?:\(([^)]*)\))?(?:\/([A-Za-z]+))?(\/\$count)?$/i;

/** The `service/Entity` part of a division path, used as the endpoint in the error limit. */
export function endpointOf(rest: string): string {
  return (endpointPattern.exec(rest)?.[1] ?? rest).toLowerCase();
}

/** `bulk/Service/Entity(key)/Collection`: the `__deferred` link of a bulk row. */
const bulkNavigationPattern = /^(bulk\/[A-Za-z]+\/[A-Za-z]+)\(([^)]*)\)\/([A-Za-z]+)$/i;

function methodNotAllowed(): ODataError {
  // Not documented; 405 is what an OData service answers for a verb an entity set lacks.
  return new ODataError(405, 'Method not allowed');
}

/** Route one division-scoped request (after auth, scope and rate limits) to its handler. */
export function dispatchDivisionRequest(
  division: number,
  rest: string,
  req: ApiRequest,
  token: AccessToken,
  state: SandboxState,
): ApiResponse {
  // A bulk row's `__deferred` link names its bulk endpoint; the collection is its source entity's.
  const bulk = bulkNavigationPattern.exec(rest);
  if (bulk) {
    const source = findView(bulkViews, bulk[1] ?? '');
    const entity = source && !source.child ? findEntity(source.source) : undefined;
    const data = state.division(division);
    if (!entity || !data) throw notFound();
    if (req.method !== 'GET') throw methodNotAllowed();
    const key = readKey(entity, bulk[2] ?? '');
    return getNavigation(entity, findRecord(entity, data, key), bulk[3] ?? '', req, state.settings);
  }
  if (isSyncOrBulkPath(rest)) return dispatchSyncOrBulk(division, rest, req, state);
  const m = endpointPattern.exec(rest);
  if (!m) throw notFound();
  const [, path = '', keyText, navigation, count] = m;
  if (navigation !== undefined && (keyText === undefined || count !== undefined)) throw notFound();
  const method = req.method as EntityMethod;
  if (path.toLowerCase() === 'system/divisions') {
    if (navigation !== undefined) throw notFound();
    if (method !== 'GET') throw methodNotAllowed();
    const created = toAmsterdamWallClock(new Date(Date.UTC(2020, 0, 1)));
    const current = token.grant.divisions[0] ?? 0;
    const records = state.divisions
      .filter((d) => token.grant.divisions.includes(d.code))
      .map((d) => divisionRecord(d, current, created));
    if (keyText === undefined)
      return getCollection(systemDivisionsEntity, records, req, state.settings, count !== undefined);
    const key = Number(readKey(systemDivisionsEntity, keyText));
    return getOne(
      systemDivisionsEntity,
      records.find((r) => r.row['Code'] === key),
      req,
    );
  }
  const readFunction = findReadFunction(path);
  if (readFunction) {
    const data = state.division(division);
    if (!data || keyText !== undefined || count !== undefined) throw notFound();
    if (method !== 'GET') throw methodNotAllowed();
    return answerReadFunction(readFunction, data, req, state.settings);
  }
  const entity = findEntity(path);
  const data = state.division(division);
  if (!entity || !data) throw notFound();
  if (!entityMethods.includes(method) || !entity.methods.includes(method)) throw methodNotAllowed();
  const now = toAmsterdamWallClock(state.clock.now());
  if (keyText === undefined) {
    if (method === 'GET')
      return getCollection(
        entity,
        [...data.table(entity.path).values()],
        req,
        state.settings,
        count !== undefined,
      );
    if (method === 'POST' && count === undefined) return postRecord(entity, data, req, state.settings, now);
    throw methodNotAllowed();
  }
  if (count !== undefined) throw notFound();
  const key = readKey(entity, keyText);
  if (navigation !== undefined) {
    if (method !== 'GET') throw methodNotAllowed();
    return getNavigation(entity, findRecord(entity, data, key), navigation, req, state.settings);
  }
  if (method === 'GET') return getOne(entity, findRecord(entity, data, key), req);
  if (method === 'PUT') return putRecord(entity, data, key, req, state.settings, now);
  if (method === 'DELETE') return deleteOne(entity, data, key, now, state.settings);
  throw methodNotAllowed();
}
