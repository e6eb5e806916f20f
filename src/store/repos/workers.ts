import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** A job a process runs now, as its row in `workers` lists it. */
export interface RunningJobEntry {
  jobId: string;
  name: string;
  /** The flow a run or replay is for; null for installation-wide jobs. */
  flowId: string | null;
  /** When this process claimed it (ISO 8601). */
  since: string;
}

export interface WorkerRow {
  id: string;
  host: string;
  pid: number;
  role: string;
  startedAt: string;
  lastSeenAt: string;
  concurrency: number;
  running: RunningJobEntry[];
}

/** Insert this process's row, or refresh it (last seen, what it runs). */
export async function saveWorker(db: Kysely<Database>, w: WorkerRow): Promise<void> {
  const running = JSON.stringify(w.running);
  await db
    .insertInto('workers')
    .values({
      id: w.id,
      host: w.host,
      pid: w.pid,
      role: w.role,
      started_at: w.startedAt,
      last_seen_at: w.lastSeenAt,
      concurrency: w.concurrency,
      running,
    })
    .onConflict((oc) => oc.column('id').doUpdateSet({ last_seen_at: w.lastSeenAt, running }))
    .execute();
}

export async function removeWorker(db: Kysely<Database>, id: string): Promise<void> {
  await db.deleteFrom('workers').where('id', '=', id).execute();
}

/** Every registered process, oldest first. */
export async function listWorkers(db: Kysely<Database>): Promise<WorkerRow[]> {
  const rows = await db.selectFrom('workers').selectAll().orderBy('started_at').orderBy('id').execute();
  return rows.map((r) => ({
    id: r.id,
    host: r.host,
    pid: Number(r.pid),
    role: r.role,
    startedAt: r.started_at,
    lastSeenAt: r.last_seen_at,
    concurrency: Number(r.concurrency),
    running: JSON.parse(r.running) as RunningJobEntry[],
  }));
}

/** Forget processes not seen since `before` (ISO 8601); returns how many. */
export async function purgeWorkersNotSeenSince(db: Kysely<Database>, before: string): Promise<number> {
  const res = await db.deleteFrom('workers').where('last_seen_at', '<', before).executeTakeFirst();
  return Number(res.numDeletedRows);
}
