import type { Kysely } from 'kysely';
import { listConnections } from '../store/repos/connections.js';
import { listFlows } from '../store/repos/flows.js';
import type { Pair } from '../store/repos/pairs.js';
import type { Database } from '../store/schema.js';
import { runSummary, type RunSummary } from './run-report.js';

/** A pair as the API shows it: its connections and flows with their states, and what needs attention. */
export interface PairStatus {
  id: string;
  name: string;
  connections: Array<{ id: string; app: string; name: string; status: string; pausedReason: string | null }>;
  flows: Array<{ id: string; kind: string; enabled: boolean; lastRunState: string | null }>;
  openDeadLetters: number;
  /** The newest run of any of its flows. */
  lastRun: RunSummary | null;
  createdAt: string;
  updatedAt: string;
}

export async function pairStatus(db: Kysely<Database>, pair: Pair): Promise<PairStatus> {
  const [connections, flows, dead, runs] = await Promise.all([
    listConnections(db, { pairId: pair.id }),
    listFlows(db, { pairId: pair.id }),
    db
      .selectFrom('dead_letters')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('pair_id', '=', pair.id)
      .where('state', '=', 'open')
      .executeTakeFirstOrThrow(),
    // The newest run per flow: a flow's runs are few to look through, its newest first.
    db
      .selectFrom('runs')
      .selectAll()
      .where('pair_id', '=', pair.id)
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('runs as r')
          .select((r) => r.fn.max('r.id').as('id'))
          .where('r.pair_id', '=', pair.id)
          .groupBy('r.flow_id'),
      )
      .execute(),
  ]);
  const lastOf = new Map(runs.map((r) => [r.flow_id, r]));
  const newest = runs.reduce<(typeof runs)[number] | undefined>(
    (a, r) => (a && a.id > r.id ? a : r),
    undefined,
  );
  return {
    id: pair.id,
    name: pair.name,
    connections: connections.map((c) => ({
      id: c.id,
      app: c.app,
      name: c.name,
      status: c.status,
      pausedReason: c.pausedReason,
    })),
    flows: flows.map((f) => ({
      id: f.id,
      kind: f.kind,
      enabled: f.enabled,
      lastRunState: lastOf.get(f.id)?.state ?? null,
    })),
    openDeadLetters: Number(dead.n),
    lastRun: newest ? runSummary(newest) : null,
    createdAt: pair.createdAt,
    updatedAt: pair.updatedAt,
  };
}
