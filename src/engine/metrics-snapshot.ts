import type { Kysely } from 'kysely';
import type { JobQueue } from '../queue/port.js';
import type { Database } from '../store/schema.js';
import { countDeliveries } from '../store/repos/notification-deliveries.js';
import { budgetReport } from './budget-report.js';
import { recordStates, runStates, type RecordState, type RunState } from './transitions.js';

/** Run and record states that no longer change: what the outcome counters count. */
const finalRunStates = runStates.filter((s) => !['queued', 'running'].includes(s));
const finalRecordStates = recordStates.filter(
  (s): s is RecordState => !['received', 'mapped', 'writing', 'failed'].includes(s),
);

export interface FlowCount {
  pair: string;
  flow: string;
  outcome: string;
  count: number;
}

export interface RunDuration {
  pair: string;
  flow: string;
  seconds: number;
}

export interface BudgetGauge {
  pair: string;
  connection: string;
  division: string;
  window: 'minute' | 'day';
  used: number;
  left: number;
}

/**
 * What the metrics endpoint exports from the store, read at scrape time: every process writes the
 * same tables, so the figures are right whichever process runs the flows and across restarts.
 */
export interface MetricsSnapshot {
  runs: FlowCount[];
  records: FlowCount[];
  durations: RunDuration[];
  /** API calls made by runs, per connection, from the runs' own tallies. */
  apiCalls: Array<{ pair: string; connection: string; count: number }>;
  budgets: BudgetGauge[];
  queue: Array<{ queue: string; state: string; count: number }>;
  /** Seconds the oldest due, unclaimed job of each queue has waited. */
  oldestWaiting: Array<{ queue: string; seconds: number }>;
  /** Every flow, with zero when none is open, so an alert can compare against it. */
  openDeadLetters: Array<{ pair: string; flow: string; count: number }>;
  /** Notification messages per channel and state, every combination present (zero when none). */
  notificationDeliveries: Array<{ channel: string; state: string; count: number }>;
}

const deliveryChannels = ['email', 'webhook'];
const deliveryStates = ['pending', 'sent', 'failed'];

export async function metricsSnapshot(
  db: Kysely<Database>,
  jobs: JobQueue,
  now: Date,
): Promise<MetricsSnapshot> {
  const [runs, records, flows, durations, apiCalls, budgets, load, deadLetters, deliveries] =
    await Promise.all([
      db
        .selectFrom('runs')
        .select(['pair_id', 'flow_id', 'state', (eb) => eb.fn.countAll<string | number>().as('n')])
        .where('state', 'in', finalRunStates as RunState[])
        .groupBy(['pair_id', 'flow_id', 'state'])
        .execute(),
      // By flow and state alone, an index-only count; the pair comes from the flow.
      db
        .selectFrom('records')
        .select(['flow_id', 'state', (eb) => eb.fn.countAll<string | number>().as('n')])
        .where('state', 'in', finalRecordStates)
        .groupBy(['flow_id', 'state'])
        .execute(),
      db.selectFrom('flows').select(['id', 'pair_id']).execute(),
      db
        .selectFrom('runs')
        .select(['pair_id', 'flow_id', 'started_at', 'finished_at'])
        .where('state', 'in', finalRunStates as RunState[])
        .where('started_at', 'is not', null)
        .where('finished_at', 'is not', null)
        .execute(),
      callsPerConnection(db),
      budgetGauges(db, now),
      jobs.load(now),
      openDeadLetters(db),
      countDeliveries(db),
    ]);
  const pairOfFlow = new Map(flows.map((f) => [f.id, f.pair_id]));
  const counted = (r: { pair_id: string; flow_id: string; state: string; n: string | number }) => ({
    pair: r.pair_id,
    flow: r.flow_id,
    outcome: r.state,
    count: Number(r.n),
  });
  return {
    runs: runs.map(counted),
    records: records.map((r) => ({
      pair: pairOfFlow.get(r.flow_id) ?? '',
      flow: r.flow_id,
      outcome: r.state,
      count: Number(r.n),
    })),
    durations: durations.map((r) => ({
      pair: r.pair_id,
      flow: r.flow_id,
      seconds: Math.max(0, Date.parse(r.finished_at!) - Date.parse(r.started_at!)) / 1000,
    })),
    apiCalls,
    budgets,
    queue: load.live,
    oldestWaiting: load.oldestDue.map((r) => ({
      queue: r.queue,
      seconds: Math.max(0, now.getTime() - r.since.getTime()) / 1000,
    })),
    openDeadLetters: deadLetters,
    notificationDeliveries: deliveryCounts(deliveries),
  };
}

async function callsPerConnection(db: Kysely<Database>): Promise<MetricsSnapshot['apiCalls']> {
  const [rows, connections] = await Promise.all([
    db.selectFrom('runs').select(['pair_id', 'api_calls']).where('api_calls', '!=', '{}').execute(),
    db.selectFrom('connections').select(['id', 'pair_id']).execute(),
  ]);
  const pairOf = new Map(connections.map((c) => [c.id, c.pair_id]));
  const totals = new Map<string, { pair: string; connection: string; count: number }>();
  for (const row of rows) {
    for (const [connection, n] of Object.entries(JSON.parse(row.api_calls) as Record<string, number>)) {
      const total = totals.get(connection) ?? {
        pair: pairOf.get(connection) ?? row.pair_id,
        connection,
        count: 0,
      };
      total.count += n;
      totals.set(connection, total);
    }
  }
  return [...totals.values()];
}

async function budgetGauges(db: Kysely<Database>, now: Date): Promise<BudgetGauge[]> {
  const gauges: BudgetGauge[] = [];
  for (const row of await budgetReport(db, now)) {
    for (const window of ['minute', 'day'] as const) {
      const seen = row.budget?.[window];
      if (!seen) continue;
      gauges.push({
        pair: row.pairId ?? '',
        connection: row.connectionId ?? '',
        division: row.division,
        window,
        used: seen.used,
        left: seen.left,
      });
    }
  }
  return gauges;
}

async function openDeadLetters(db: Kysely<Database>): Promise<MetricsSnapshot['openDeadLetters']> {
  const [flows, open] = await Promise.all([
    db.selectFrom('flows').select(['id', 'pair_id']).execute(),
    db
      .selectFrom('dead_letters')
      .select(['pair_id', 'flow_id', (eb) => eb.fn.countAll<string | number>().as('n')])
      .where('state', '=', 'open')
      .groupBy(['pair_id', 'flow_id'])
      .execute(),
  ]);
  const counts = new Map(flows.map((f) => [f.id, { pair: f.pair_id, flow: f.id, count: 0 }]));
  for (const r of open) counts.set(r.flow_id, { pair: r.pair_id, flow: r.flow_id, count: Number(r.n) });
  return [...counts.values()];
}

function deliveryCounts(
  rows: Array<{ channel: string; state: string; count: number }>,
): MetricsSnapshot['notificationDeliveries'] {
  const counts = new Map<string, { channel: string; state: string; count: number }>();
  for (const channel of deliveryChannels)
    for (const state of deliveryStates) counts.set(`${channel}/${state}`, { channel, state, count: 0 });
  for (const r of rows) counts.set(`${r.channel}/${r.state}`, { ...r });
  return [...counts.values()];
}
