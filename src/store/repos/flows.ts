import type { Kysely, Selectable } from 'kysely';
import type { Database, FlowTable } from '../schema.js';

export interface Flow {
  id: string;
  pairId: string;
  kind: string;
  sourceConnectionId: string;
  targetConnectionId: string;
  enabled: boolean;
  /** Cron expression, or null when the flow runs only on webhooks or by hand. */
  schedule: string | null;
  priority: number;
  settings: Record<string, unknown>;
  /** The mapping version new runs use; null means the flow kind's default mapping. */
  mappingVersion: number | null;
  createdAt: string;
  updatedAt: string;
}

export type FlowInput = Omit<Flow, 'createdAt' | 'updatedAt'>;

function toFlow(row: Selectable<FlowTable>): Flow {
  return {
    id: row.id,
    pairId: row.pair_id,
    kind: row.kind,
    sourceConnectionId: row.source_connection_id,
    targetConnectionId: row.target_connection_id,
    enabled: Number(row.enabled) === 1,
    schedule: row.schedule,
    priority: Number(row.priority),
    settings: JSON.parse(row.settings) as Record<string, unknown>,
    mappingVersion: row.mapping_version === null ? null : Number(row.mapping_version),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function getFlow(db: Kysely<Database>, id: string): Promise<Flow | null> {
  const row = await db.selectFrom('flows').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toFlow(row) : null;
}

/** Flows ordered by id, optionally of one pair. */
export async function listFlows(db: Kysely<Database>, filter: { pairId?: string } = {}): Promise<Flow[]> {
  let query = db.selectFrom('flows').selectAll().orderBy('id');
  if (filter.pairId !== undefined) query = query.where('pair_id', '=', filter.pairId);
  return (await query.execute()).map(toFlow);
}

export async function upsertFlow(db: Kysely<Database>, input: FlowInput, at: string): Promise<void> {
  const values = {
    pair_id: input.pairId,
    kind: input.kind,
    source_connection_id: input.sourceConnectionId,
    target_connection_id: input.targetConnectionId,
    enabled: input.enabled ? 1 : 0,
    schedule: input.schedule,
    priority: input.priority,
    settings: JSON.stringify(input.settings),
    mapping_version: input.mappingVersion,
    updated_at: at,
  };
  await db
    .insertInto('flows')
    .values({ id: input.id, ...values, created_at: at })
    .onConflict((oc) => oc.column('id').doUpdateSet(values))
    .execute();
}

/** Point the flow at a stored mapping version, or at its kind's default mapping (null). */
export async function setFlowMappingVersion(
  db: Kysely<Database>,
  id: string,
  version: number | null,
  at: string,
): Promise<void> {
  await db
    .updateTable('flows')
    .set({ mapping_version: version, updated_at: at })
    .where('id', '=', id)
    .execute();
}

export async function setFlowEnabled(
  db: Kysely<Database>,
  id: string,
  enabled: boolean,
  at: string,
): Promise<void> {
  await db
    .updateTable('flows')
    .set({ enabled: enabled ? 1 : 0, updated_at: at })
    .where('id', '=', id)
    .execute();
}

/** Delete a flow and its mapping versions (cascade). Its run history is left to retention. */
export async function deleteFlow(db: Kysely<Database>, id: string): Promise<boolean> {
  const result = await db.deleteFrom('flows').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
