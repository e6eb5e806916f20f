import type { Kysely, Selectable } from 'kysely';
import type { ApiBudgetTable, Database } from '../schema.js';

export type ApiBudgetRow = Selectable<ApiBudgetTable>;

export async function readApiBudget(db: Kysely<Database>, key: string): Promise<ApiBudgetRow | undefined> {
  return db.selectFrom('api_budgets').selectAll().where('key', '=', key).executeTakeFirst();
}

export async function listApiBudgets(db: Kysely<Database>): Promise<ApiBudgetRow[]> {
  return db.selectFrom('api_budgets').selectAll().orderBy('key').execute();
}

/** Store a first state for `row.key`; false when another process stored one first. */
export async function insertApiBudget(db: Kysely<Database>, row: ApiBudgetRow): Promise<boolean> {
  const res = await db
    .insertInto('api_budgets')
    .values(row)
    .onConflict((oc) => oc.column('key').doNothing())
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0n) === 1;
}

/** Replace the state if it is still at `version` (compare-and-set); false when someone changed it since. */
export async function replaceApiBudget(
  db: Kysely<Database>,
  key: string,
  version: number,
  state: string,
  updatedAt: string,
): Promise<boolean> {
  const res = await db
    .updateTable('api_budgets')
    .set({ state, version: version + 1, updated_at: updatedAt })
    .where('key', '=', key)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}
