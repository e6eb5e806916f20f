import type { Kysely, Selectable } from 'kysely';
import type { Database, MappingTable } from '../schema.js';

/**
 * One stored version of a flow's mapping. Versions are never changed once written. The store sits
 * below the mapping layer and keeps the definition as the JSON it was given: the caller names its
 * type (`MappingDefinition` of src/mapping) as it was written.
 */
export interface MappingVersion<D = unknown> {
  flowId: string;
  version: number;
  definition: D;
  createdAt: string;
}

function toMappingVersion<D>(row: Selectable<MappingTable>): MappingVersion<D> {
  return {
    flowId: row.flow_id,
    version: Number(row.version),
    definition: JSON.parse(row.definition) as D,
    createdAt: row.created_at,
  };
}

export async function mappingVersion<D>(
  db: Kysely<Database>,
  flowId: string,
  version: number,
): Promise<MappingVersion<D> | null> {
  const row = await db
    .selectFrom('mappings')
    .selectAll()
    .where('flow_id', '=', flowId)
    .where('version', '=', version)
    .executeTakeFirst();
  return row ? toMappingVersion<D>(row) : null;
}

/**
 * The version the flow points at (the one new runs use); null when the flow uses its kind's
 * default mapping, or does not exist.
 */
export async function currentMapping<D>(
  db: Kysely<Database>,
  flowId: string,
): Promise<MappingVersion<D> | null> {
  const row = await db
    .selectFrom('mappings')
    .innerJoin('flows', (join) =>
      join.onRef('flows.id', '=', 'mappings.flow_id').onRef('flows.mapping_version', '=', 'mappings.version'),
    )
    .selectAll('mappings')
    .where('mappings.flow_id', '=', flowId)
    .executeTakeFirst();
  return row ? toMappingVersion<D>(row) : null;
}

/** Every stored version of a flow's mapping, oldest first. */
export async function listMappingVersions<D>(
  db: Kysely<Database>,
  flowId: string,
): Promise<MappingVersion<D>[]> {
  const rows = await db
    .selectFrom('mappings')
    .selectAll()
    .where('flow_id', '=', flowId)
    .orderBy('version')
    .execute();
  return rows.map((row) => toMappingVersion<D>(row));
}

/**
 * Store `definition` as version n+1 of the flow's mapping. It does not move the flow's pointer:
 * publishing is `setFlowMappingVersion`. Two concurrent saves for one flow collide on the primary
 * key rather than both getting the same number; callers save inside a transaction.
 */
export async function saveMappingVersion<D>(
  db: Kysely<Database>,
  flowId: string,
  definition: D,
  at: string,
): Promise<MappingVersion<D>> {
  const last = await db
    .selectFrom('mappings')
    .select((eb) => eb.fn.max('version').as('version'))
    .where('flow_id', '=', flowId)
    .executeTakeFirst();
  const version = Number(last?.version ?? 0) + 1;
  await db
    .insertInto('mappings')
    // As written, not key-sorted: the field order stays the author's (comparisons use stableStringify).
    .values({ flow_id: flowId, version, definition: JSON.stringify(definition), created_at: at })
    .execute();
  return { flowId, version, definition, createdAt: at };
}
