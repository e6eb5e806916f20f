import type { Kysely } from 'kysely';
import { toKoppelError } from '../core/errors.js';
import { nextFireTime } from '../queue/index.js';
import type { Flow } from '../store/repos/flows.js';
import type { Database } from '../store/schema.js';
import { runSummary, type RunSummary } from './run-report.js';
import type { FlowRegistry } from './types.js';

/** A flow as the API shows it: its configuration and where it stands. */
export interface FlowStatus {
  id: string;
  pairId: string;
  kind: string;
  sourceConnectionId: string;
  targetConnectionId: string;
  enabled: boolean;
  schedule: string | null;
  priority: number;
  /** The settings as a run reads them: stored ones with the kind's defaults filled in. */
  settings: Record<string, unknown>;
  /** Why the stored settings cannot be read (a run would fail with it); null when they can. */
  settingsProblem: string | null;
  /** The mapping version new runs use; null: the kind's default mapping. */
  mappingVersion: number | null;
  /** Where the next run reads from (opaque, per flow kind); null: from the beginning. */
  cursor: { value: string; updatedAt: string } | null;
  /** When the schedule starts the next run; null without a schedule, disabled, or waiting (below). */
  nextRunAt: string | null;
  /** Why no run starts (a paused connection); null when nothing holds the flow back. */
  waitingFor: string | null;
  lastRun: RunSummary | null;
  openDeadLetters: number;
  /** The source app's webhook topics that start a run of this flow; empty: schedule only. */
  webhookTopics: string[];
  createdAt: string;
  updatedAt: string;
}

export async function flowStatus(
  db: Kysely<Database>,
  registry: FlowRegistry,
  now: Date,
  flow: Flow,
): Promise<FlowStatus> {
  const [cursor, lastRun, dead, paused] = await Promise.all([
    db
      .selectFrom('cursors')
      .select(['value', 'updated_at'])
      .where('flow_id', '=', flow.id)
      .where('stream', '=', 'main')
      .executeTakeFirst(),
    db
      .selectFrom('runs')
      .selectAll()
      .where('flow_id', '=', flow.id)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst(),
    db
      .selectFrom('dead_letters')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('flow_id', '=', flow.id)
      .where('state', '=', 'open')
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('connections')
      .select('id')
      .where('id', 'in', [flow.sourceConnectionId, flow.targetConnectionId])
      .where('status', '=', 'paused')
      .orderBy('id')
      .execute(),
  ]);
  const kind = registry.kinds.get(flow.kind);
  let settings = flow.settings;
  let settingsProblem: string | null = kind ? null : `this installation has no flow kind "${flow.kind}"`;
  let webhookTopics: string[] = [];
  if (kind) {
    const parsed = kind.settingsSchema.safeParse(flow.settings);
    if (parsed.success) {
      settings = parsed.data;
      try {
        webhookTopics = kind.webhookTopics?.(settings) ?? [];
      } catch (e) {
        settingsProblem = toKoppelError(e).message;
      }
    } else
      settingsProblem = parsed.error.issues
        .map((i) => `${i.path.join('.') || '(settings)'}: ${i.message}`)
        .join('; ');
  }
  const waitingFor =
    paused.length > 0
      ? `connection ${paused.map((p) => p.id).join(' and ')} is paused; authorize it again`
      : null;
  const next =
    flow.enabled && flow.schedule !== null && waitingFor === null ? nextFireTime(flow.schedule, now) : null;
  return {
    id: flow.id,
    pairId: flow.pairId,
    kind: flow.kind,
    sourceConnectionId: flow.sourceConnectionId,
    targetConnectionId: flow.targetConnectionId,
    enabled: flow.enabled,
    schedule: flow.schedule,
    priority: flow.priority,
    settings,
    settingsProblem,
    mappingVersion: flow.mappingVersion,
    cursor: cursor ? { value: cursor.value, updatedAt: cursor.updated_at } : null,
    nextRunAt: next?.toISOString() ?? null,
    waitingFor,
    lastRun: lastRun ? runSummary(lastRun) : null,
    openDeadLetters: Number(dead.n),
    webhookTopics,
    createdAt: flow.createdAt,
    updatedAt: flow.updatedAt,
  };
}
