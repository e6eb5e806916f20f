import type { EntityDescriptor } from '../entities/entity-descriptor.js';
import { entityCatalog, readFunctionCatalog } from '../entities/entity-catalog.js';
import type { FieldSpec } from '../entities/field-list.js';
import { systemDivisionsEntity } from '../entities/system-divisions.js';
import { meRowType } from '../rest/me-handler.js';
import { deletedShape, resolveBulkView } from '../rest/sync-bulk-dispatch.js';
import { bulkViews, resolveSyncView, syncViews } from '../rest/sync-views.js';
import { webhookSubscriptionsEntity } from '../webhooks/webhook-subscriptions.js';

/** The fields one sandbox endpoint serves, as they are compared with Exact's published lists. */
export interface ServedFieldList {
  path: string;
  /** The key the field list flags; null for function endpoints, whose rows have none. */
  key: string | null;
  methods: readonly string[];
  fields: readonly FieldSpec[];
  collections: readonly string[];
  /** Where the field list is written, for messages. */
  definedIn: string;
}

function fromEntity(entity: EntityDescriptor, definedIn: string): ServedFieldList {
  return {
    path: entity.path,
    key: entity.key,
    methods: entity.methods,
    fields: entity.fields.scalars,
    collections: [...entity.fields.collections.keys()],
    definedIn,
  };
}

/**
 * Every field list the sandbox serves: catalog entities and their child collections, the sync,
 * bulk and read function views, webhook subscriptions, system/Divisions and current/Me.
 * `read/sync/Sync/SyncTimestamp` builds its three fields in code and has no list here.
 */
export function servedFieldLists(): ServedFieldList[] {
  const out: ServedFieldList[] = [];
  const seen = new Set<string>();
  const add = (list: ServedFieldList) => {
    if (seen.has(list.path.toLowerCase())) return;
    seen.add(list.path.toLowerCase());
    out.push(list);
  };
  for (const e of entityCatalog) add(fromEntity(e, 'entity catalog'));
  for (const e of entityCatalog)
    for (const child of Object.values(e.children ?? {}))
      add({
        path: child.path,
        key: child.key,
        // Served as lines of their parent (embedded, $expand, bulk); their own methods are the parent's.
        methods: e.methods,
        fields: child.fields.scalars,
        collections: [...child.fields.collections.keys()],
        definedIn: `child ${e.path}`,
      });
  for (const spec of syncViews) {
    const view = resolveSyncView(spec);
    if (!view) continue;
    add({
      path: spec.path,
      key: view.fields.find((f) => f.key)?.name ?? null,
      methods: ['GET'],
      fields: view.fields,
      collections: [],
      definedIn: spec.fieldList ? 'sync view field list' : `sync view over ${spec.source}`,
    });
  }
  add({
    path: deletedShape.path,
    key: 'Timestamp',
    methods: ['GET'],
    fields: deletedShape.fields,
    collections: [],
    definedIn: 'sync/Deleted shape',
  });
  for (const spec of bulkViews) {
    const view = resolveBulkView(spec);
    if (!view) continue;
    add({
      ...fromEntity(view, `bulk view over ${spec.source}${spec.child ? ` ${spec.child}` : ''}`),
      path: spec.path,
    });
  }
  for (const f of readFunctionCatalog) add({ ...fromEntity(f.rowType, 'read function'), key: null });
  add(fromEntity(webhookSubscriptionsEntity, 'webhook subscriptions'));
  add(fromEntity(systemDivisionsEntity, 'system/Divisions'));
  add(fromEntity(meRowType, 'current/Me'));
  return out;
}
