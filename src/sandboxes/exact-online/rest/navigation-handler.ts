import type { EntityDescriptor } from '../entities/entity-descriptor.js';
import type { StoredRecord } from '../entities/entity-store.js';
import type { ExactSettings } from '../settings.js';
import type { ApiRequest, ApiResponse } from './api-exchange.js';
import { getCollection, notFound } from './entity-handlers.js';

/**
 * GET `service/Entity(key)/Collection`: the target of the `__deferred.uri` every unexpanded child
 * collection carries (reference 4.2). Exact answers the related rows as a collection, in the same
 * shape as any list (`{"d":{"results":[…]}}`, or the bare array for `$top`), with the OData query
 * options of a list. Embedded children (an order's lines) are answered from the parent's record; a
 * collection the sandbox keeps no rows for (an account's `BankAccounts`) is an empty list.
 */
export function getNavigation(
  entity: EntityDescriptor,
  record: StoredRecord | undefined,
  name: string,
  req: ApiRequest,
  settings: ExactSettings,
): ApiResponse {
  if (!record) throw notFound();
  const collection = [...entity.fields.collections.keys()].find(
    (c) => c.toLowerCase() === name.toLowerCase(),
  );
  if (collection === undefined) throw notFound();
  const child = entity.children?.[collection];
  if (!child) {
    // No field list is kept for it: an empty list in the verbose envelope.
    return { status: 200, json: { d: { results: [] } } };
  }
  const lines: EntityDescriptor = {
    path: child.path,
    typeName: child.typeName,
    key: child.key,
    fields: child.fields,
    fieldTypes: child.fieldTypes,
    methods: ['GET'],
    pageSize: 60,
    skipAllowed: true,
  };
  const rows: StoredRecord[] = (record.children[collection] ?? []).map((row) => ({
    row,
    children: {},
    timestamp: record.timestamp,
  }));
  return getCollection(lines, rows, req, settings, false);
}
