import type { Kysely, Selectable } from 'kysely';
import type { MappingDefinition } from '../../mapping/types.js';
import type { Database, MappingTable } from '../schema.js';

/** One stored version of a flow's mapping. Versions are never changed once written. */
export interface MappingVersion {
  flowId: string;
  version: number;
  definition: MappingDefinition;
  createdAt: string;
}

function toMappingVersion(row: Selectable<MappingTable>): MappingVersion {
  return {
    flowId: row.flow_id,
    version: Number(row.version),
    definition: JSON.parse(row.definition) as MappingDefinition,
    createdAt: row.created_at,
  };
}

export async function mappingVersion(
  db: Kysely<Database>,
  flowId: string,
  version: number,
): Promise<MappingVersion | null> {
  const row = await db
    .selectFrom('mappings')
    .selectAll()
    .where('flow_id', '=', flowId)
    .where('version', '=', version)
    .executeTakeFirst();
  return row ? toMappingVersion(row) : null;
}

/**
 * The version the flow points at (the one new runs use); null when the flow uses its kind's
 * default mapping, or does not exist.
 */
export async function currentMapping(db: Kysely<Database>, flowId: string): Promise<MappingVersion | null> {
  const row = await db
    .selectFrom('mappings')
    .innerJoin('flows', (join) =>
      join.onRef('flows.id', '=', 'mappings.flow_id').onRef('flows.mapping_version', '=', 'mappings.version'),
    )
    .selectAll('mappings')
    .where('mappings.flow_id', '=', flowId)
    .executeTakeFirst();
  return row ? toMappingVersion(row) : null;
}

/** Every stored version of a flow's mapping, oldest first. */
export async function listMappingVersions(db: Kysely<Database>, flowId: string): Promise<MappingVersion[]> {
  const rows = await db
    .selectFrom('mappings')
    .selectAll()
    .where('flow_id', '=', flowId)
    .orderBy('version')
    .execute();
  return rows.map(toMappingVersion);
}

/**
 * Store `definition` as version n+1 of the flow's mapping. It does not move the flow's pointer:
 * publishing is `setFlowMappingVersion`. Two concurrent saves for one flow collide on the primary
 * key rather than both getting the same number; callers save inside a transaction.
 */
export async function saveMappingVersion(
  db: Kysely<Database>,
  flowId: string,
  definition: MappingDefinition,
  at: string,
): Promise<MappingVersion> {
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
