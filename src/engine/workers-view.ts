import type { Kysely } from 'kysely';
import type { Clock } from '../core/clock.js';
import { workerGoneAfterMs } from '../queue/index.js';
import type { Database } from '../store/schema.js';
import { listWorkers, type RunningJobEntry } from '../store/repos/workers.js';

/** One Koppel process as `koppel workers` and `GET /api/workers` show it. */
export interface WorkerView {
  id: string;
  role: string;
  host: string;
  pid: number;
  startedAt: string;
  lastSeenAt: string;
  /** Not seen for over 30 s: killed or crashed (a clean stop removes its row). */
  gone: boolean;
  concurrency: number;
  running: RunningJobEntry[];
}

/** Every registered process, live ones first; what a gone one ran is no longer true, so it is emptied. */
export async function workersView(db: Kysely<Database>, clock: Clock): Promise<WorkerView[]> {
  const goneBefore = clock.now().getTime() - workerGoneAfterMs;
  const views = (await listWorkers(db)).map((w) => {
    const gone = Date.parse(w.lastSeenAt) < goneBefore;
    return {
      id: w.id,
      role: w.role,
      host: w.host,
      pid: w.pid,
      startedAt: w.startedAt,
      lastSeenAt: w.lastSeenAt,
      gone,
      concurrency: w.concurrency,
      running: gone ? [] : w.running,
    };
  });
  return [...views.filter((v) => !v.gone), ...views.filter((v) => v.gone)];
}
