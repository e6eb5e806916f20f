import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { MetricsSnapshot } from '../engine/metrics-snapshot.js';

/** Run lengths from a quick webhook run to a long backfill, in seconds. */
const durationBuckets = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200];

/**
 * The Prometheus text of one scrape. A registry per scrape holds nothing between scrapes: every
 * figure comes from the snapshot (the store) or from the process-wide 429 tally passed in.
 */
export async function metricsText(
  snapshot: MetricsSnapshot,
  throttled: ReadonlyMap<string, number>,
): Promise<{ contentType: string; text: string }> {
  const registers = [new Registry()];
  const runs = new Counter({
    name: 'koppel_runs_total',
    help: 'Finished runs by flow and outcome (succeeded, partial, failed, cancelled), from the store',
    labelNames: ['pair', 'flow', 'outcome'],
    registers,
  });
  for (const r of snapshot.runs) runs.inc({ pair: r.pair, flow: r.flow, outcome: r.outcome }, r.count);
  const records = new Counter({
    name: 'koppel_records_total',
    help: 'Records in a final state (created, updated, unchanged, skipped, dead_lettered), from the store',
    labelNames: ['pair', 'flow', 'outcome'],
    registers,
  });
  for (const r of snapshot.records) records.inc({ pair: r.pair, flow: r.flow, outcome: r.outcome }, r.count);
  const duration = new Histogram({
    name: 'koppel_run_duration_seconds',
    help: 'How long finished runs took, from start to end, from the store',
    labelNames: ['pair', 'flow'],
    buckets: durationBuckets,
    registers,
  });
  for (const d of snapshot.durations) duration.observe({ pair: d.pair, flow: d.flow }, d.seconds);
  const calls = new Counter({
    name: 'koppel_api_calls_total',
    help: 'API calls made by runs, per connection, from the runs in the store',
    labelNames: ['pair', 'connection'],
    registers,
  });
  for (const c of snapshot.apiCalls) calls.inc({ pair: c.pair, connection: c.connection }, c.count);
  const tooMany = new Counter({
    name: 'koppel_api_throttled_total',
    help: 'Answers 429 (too many requests) per connection seen by this process since it started',
    labelNames: ['connection'],
    registers,
  });
  for (const [connection, n] of throttled) tooMany.inc({ connection }, n);
  const budgetLabels = ['pair', 'connection', 'division', 'window'] as const;
  const used = new Gauge({
    name: 'koppel_exact_budget_used',
    help: "Calls used of an Exact division's minute or day limit, as last seen by any process",
    labelNames: budgetLabels,
    registers,
  });
  const left = new Gauge({
    name: 'koppel_exact_budget_left',
    help: "Calls left of an Exact division's minute or day limit, as last seen by any process",
    labelNames: budgetLabels,
    registers,
  });
  for (const b of snapshot.budgets) {
    const labels = { pair: b.pair, connection: b.connection, division: b.division, window: b.window };
    used.set(labels, b.used);
    left.set(labels, b.left);
  }
  const depth = new Gauge({
    name: 'koppel_queue_jobs',
    help: 'Jobs waiting (queued, due or not) or running, per queue',
    labelNames: ['queue', 'state'],
    registers,
  });
  for (const q of snapshot.queue) depth.set({ queue: q.queue, state: q.state }, q.count);
  const age = new Gauge({
    name: 'koppel_queue_oldest_waiting_seconds',
    help: 'How long the oldest due job no worker has claimed yet has waited, per queue',
    labelNames: ['queue'],
    registers,
  });
  for (const q of snapshot.oldestWaiting) age.set({ queue: q.queue }, q.seconds);
  const open = new Gauge({
    name: 'koppel_dead_letters_open',
    help: 'Dead letters waiting for a fix or a replay, per flow',
    labelNames: ['pair', 'flow'],
    registers,
  });
  for (const d of snapshot.openDeadLetters) open.set({ pair: d.pair, flow: d.flow }, d.count);
  const deliveries = new Gauge({
    name: 'koppel_notification_deliveries',
    help: 'Notification messages per channel (email, webhook) and state (pending, sent, failed), from the store',
    labelNames: ['channel', 'state'],
    registers,
  });
  for (const d of snapshot.notificationDeliveries)
    deliveries.set({ channel: d.channel, state: d.state }, d.count);
  return { contentType: registers[0]!.contentType, text: await registers[0]!.metrics() };
}
