import { sql, type Insertable, type InsertQueryBuilder, type InsertResult, type Kysely } from 'kysely';
import type { Capabilities } from '../database.js';
import type { Database } from '../schema.js';
import { chunkRows } from './chunk.js';

/**
 * Many rows into one table, in as few statements as the database likes. Rows must carry every
 * column. `finish` adds an ON CONFLICT clause where needed.
 */
export async function bulkInsert<T extends keyof Database & string>(
  db: Kysely<Database>,
  caps: Capabilities,
  table: T,
  rows: ReadonlyArray<Insertable<Database[T]>>,
  finish: (
    q: InsertQueryBuilder<Database, T, InsertResult>,
  ) => InsertQueryBuilder<Database, T, InsertResult> = (q) => q,
): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0] as object) as Array<keyof Database[T] & string>;
  if (caps.jsonBulkInsert) {
    for (const chunk of chunkRows(rows, 1, 5_000)) {
      const source = sql`select ${sql.join(columns.map((c) => sql.ref(c)))} from json_populate_recordset(null::${sql.table(table)}, ${JSON.stringify(chunk)}::json)`;
      await finish(db.insertInto(table).columns(columns).expression(source)).execute();
    }
    return;
  }
  for (const chunk of chunkRows(rows, columns.length, caps.maxParameters)) {
    await finish(db.insertInto(table).values(chunk as never)).execute();
  }
}
