import { maskPersonalText } from '../../core/redaction.js';
import { tokensFromCredentials } from '../../connectors/kit/token-lease.js';
import { budgetReport } from '../budget-report.js';
import { deadLetterGroups } from '../dead-letter-groups.js';
import type { EngineDeps } from '../deps.js';
import { flowLockKey, flowRunJob, recordsRunJob, replayJob } from '../job-names.js';
import { webhookFailedEvent, webhookRestoredEvent } from '../webhook-subscriptions.js';
import { detectReconcileDifferences } from './detect-reconcile.js';
import type { Problem } from './types.js';

/**
 * A detector reads the store as it is now and answers the problems it sees. Being state-based (not
 * fed by events as they happen) is what lets a restart, or a second process, lose nothing: the
 * next pass sees the same problems, and a problem no pass sees any more has cleared.
 */
export type Detector = (deps: EngineDeps, now: Date) => Promise<Problem[]>;

/** How many documents a message names; the rest are counted. */
export const documentsShown = 5;
/** A flow whose last this many finished runs failed is failing, not unlucky. */
export const failingRuns = 3;
/** Share of an Exact division's day budget at which we warn, before runs start waiting for tomorrow. */
export const budgetWarnShare = 0.9;
/** A run or replay waiting this long in the queue is a backlog, not a busy minute. */
export const backlogMinutes = 30;
/** Warn this long before a refresh token would expire unused. */
export const tokenWarnDays = 3;
/**
 * Refresh-token lifetimes of the apps whose tokens die unused (Exact Online: 30 days unused).
 * Only apps listed here are checked; the lifetime is not stored with the tokens.
 */
export const refreshTokenLifetimeDays: Readonly<Record<string, number>> = { 'exact-online': 30 };

const dayMs = 86_400_000;

/** Text that leaves Koppel in a message: secrets the process knows and personal data masked. */
function clean(deps: EngineDeps, text: string): string {
  return maskPersonalText(deps.secrets.scrub(text));
}

/** The web app's page that (re)connects a connection: the setup wizard's step of its app. */
function connectPath(pairId: string, app: string): string {
  const step = app === 'asperion' ? 'asperion' : 'exact';
  return `/setup-wizard/${encodeURIComponent(pairId)}/${step}`;
}

async function connectionNames(deps: EngineDeps): Promise<Map<string, { name: string; app: string }>> {
  const rows = await deps.store.db.selectFrom('connections').select(['id', 'name', 'app']).execute();
  return new Map(rows.map((r) => [r.id, { name: r.name, app: r.app }]));
}

export const detectPausedConnections: Detector = async (deps) => {
  const rows = await deps.store.db
    .selectFrom('connections')
    .select(['id', 'pair_id', 'app', 'name', 'paused_reason'])
    .where('status', '=', 'paused')
    .orderBy('id')
    .execute();
  return rows.map((c) => ({
    key: `connection.paused:${c.id}`,
    kind: 'connection.paused',
    severity: 'critical',
    pairId: c.pair_id,
    flowId: null,
    connectionId: c.id,
    title: `Connection "${c.name}" lost its authorization`,
    why: clean(deps, c.paused_reason ?? 'The provider refused its tokens.'),
    count: 0,
    documents: [],
    fix: {
      action: `Connect "${c.name}" again; its flows wait until then and lose nothing.`,
      webPath: connectPath(c.pair_id, c.app),
      cli: `koppel connect ${c.id}`,
    },
  }));
};

export const detectFailingFlows: Detector = async (deps) => {
  const db = deps.store.db;
  const flows = await db.selectFrom('flows').select(['id', 'pair_id']).where('enabled', '=', 1).execute();
  const problems: Problem[] = [];
  for (const f of flows) {
    const runs = await db
      .selectFrom('runs')
      .select(['id', 'state', 'error_message'])
      .where('flow_id', '=', f.id)
      // A cancelled run says nothing about the flow's health: a person stopped it.
      .where('state', 'in', ['succeeded', 'partial', 'failed'])
      .orderBy('id', 'desc')
      .limit(failingRuns)
      .execute();
    if (runs.length < failingRuns || runs.some((r) => r.state !== 'failed')) continue;
    const last = runs[0]!;
    problems.push({
      key: `flow.failing:${f.id}`,
      kind: 'flow.failing',
      severity: 'critical',
      pairId: f.pair_id,
      flowId: f.id,
      connectionId: null,
      title: `Flow ${f.id} failed its last ${failingRuns} runs`,
      why: clean(deps, last.error_message ?? 'The run failed.'),
      count: 0,
      documents: [],
      fix: {
        action: 'Read the last run’s error, fix its cause, then run the flow again.',
        webPath: `/activity/runs/${encodeURIComponent(last.id)}`,
        cli: `koppel runs --flow ${f.id} --state failed`,
      },
    });
  }
  return problems;
};

export const detectDeadLetters: Detector = async (deps) => {
  const problems: Problem[] = [];
  for (const g of await deadLetterGroups(deps)) {
    // The oldest first: the ones waiting longest, and a list that stays put while more arrive.
    const first = await deps.store.db
      .selectFrom('dead_letters as d')
      .leftJoin('records as r', 'r.id', 'd.record_id')
      .select(['d.entity', 'd.source_id', 'r.label'])
      .where('d.flow_id', '=', g.flowId)
      .where('d.error_code', '=', g.code)
      .where('d.state', '=', 'open')
      .orderBy('d.id')
      .limit(documentsShown)
      .execute();
    const flow = encodeURIComponent(g.flowId);
    const code = encodeURIComponent(g.code);
    problems.push({
      key: `dead_letters:${g.flowId}:${g.code}`,
      kind: 'dead_letters.new',
      severity: 'warning',
      pairId: g.pairId,
      flowId: g.flowId,
      connectionId: null,
      title: `${g.count} ${g.count === 1 ? 'document' : 'documents'} of flow ${g.flowId} could not be sent (${g.code})`,
      why: clean(deps, g.newest.error.message),
      count: g.count,
      documents: first.map((d) => clean(deps, d.label ?? `${d.entity} ${d.source_id}`)),
      fix: {
        action: clean(deps, `${g.newest.fix.hint} Then replay them.`),
        webPath: `/dead-letters?flow=${flow}&error=${code}`,
        cli: `koppel replay --flow ${g.flowId} --code ${g.code}`,
      },
    });
  }
  return problems;
};

export const detectBudgetNearLimit: Detector = async (deps, now) => {
  const names = await connectionNames(deps);
  const problems: Problem[] = [];
  for (const row of await budgetReport(deps.store.db, now)) {
    const day = row.budget?.day;
    if (!day || day.used + day.left <= 0) continue;
    const share = day.used / (day.used + day.left);
    if (share < budgetWarnShare) continue;
    const name = row.connectionId ? (names.get(row.connectionId)?.name ?? row.connectionId) : null;
    problems.push({
      key: `budget:${row.clientId}:${row.division}`,
      kind: 'budget.near_limit',
      severity: 'warning',
      pairId: row.pairId,
      flowId: null,
      connectionId: row.connectionId,
      title: `Exact division ${row.division}${name ? ` ("${name}")` : ''} used ${Math.floor(share * 100)} % of today’s API calls`,
      why: `${day.used} of ${day.used + day.left} calls are used; when none are left, runs wait until ${new Date(day.resetAt).toISOString().slice(0, 16)}Z.`,
      count: 0,
      documents: [],
      fix: {
        action: 'Run fewer or less frequent flows on this division today, or spread their schedules.',
        webPath: '/',
        cli: 'koppel budget',
      },
    });
  }
  return problems;
};

/**
 * The subscription check raises a refusal event per connection and topic, and a restored one when
 * a refused topic later succeeds; a topic whose latest event is a refusal is still refused.
 */
export const detectRefusedWebhooks: Detector = async (deps) => {
  const db = deps.store.db;
  const events = await db
    .selectFrom('events')
    .select(['id', 'type', 'connection_id', 'pair_id', 'message', 'details'])
    .where('type', 'in', [webhookFailedEvent, webhookRestoredEvent])
    .where('connection_id', 'is not', null)
    .orderBy('id')
    .execute();
  const latest = new Map<string, (typeof events)[number]>();
  for (const e of events) {
    const topic = topicOf(e.details);
    latest.set(`${e.connection_id}\u0000${topic}`, e);
  }
  const active = new Map(
    (
      await db
        .selectFrom('connections')
        .select(['id', 'name', 'pair_id', 'app'])
        .where('status', '=', 'active')
        .execute()
    ).map((c) => [c.id, c]),
  );
  const byConnection = new Map<string, { topics: string[]; last: (typeof events)[number] }>();
  for (const e of latest.values()) {
    if (e.type !== webhookFailedEvent || !active.has(e.connection_id!)) continue;
    const entry = byConnection.get(e.connection_id!) ?? { topics: [], last: e };
    entry.topics.push(topicOf(e.details));
    if (e.id > entry.last.id) entry.last = e;
    byConnection.set(e.connection_id!, entry);
  }
  return [...byConnection.entries()].map(([id, { topics, last }]) => {
    const c = active.get(id)!;
    return {
      key: `webhooks.refused:${id}`,
      kind: 'webhooks.refused',
      severity: 'warning',
      pairId: c.pair_id,
      flowId: null,
      connectionId: id,
      title: `Connection "${c.name}" could not subscribe to webhooks (${topics.sort().join(', ')})`,
      why: clean(deps, last.message),
      count: 0,
      documents: [],
      fix: {
        action:
          'Make KOPPEL_PUBLIC_URL reachable from the provider; until then its flows run on their schedule only.',
        webPath: connectPath(c.pair_id, c.app),
        cli: `koppel connections`,
      },
    };
  });
};

function topicOf(details: string): string {
  try {
    const topic = (JSON.parse(details) as { topic?: unknown }).topic;
    return typeof topic === 'string' ? topic : '';
  } catch {
    return '';
  }
}

/**
 * A flow whose runs or replays wait in the queue for more than `backlogMinutes`: the workers do
 * not keep up, or something holds the flow's lock. A job waiting for a retry (`attempts > 0`) is
 * counted as well: it is as late.
 */
export const detectBacklog: Detector = async (deps, now) => {
  const cutoff = new Date(now.getTime() - backlogMinutes * 60_000);
  const rows = await deps.queue.waitingSince([flowRunJob, recordsRunJob, replayJob], cutoff);
  const flows = await deps.store.db.selectFrom('flows').select(['id', 'pair_id']).execute();
  const byLock = new Map(flows.map((f) => [flowLockKey(f.id), f]));
  const late = new Map<string, { pairId: string; count: number; oldest: string }>();
  for (const r of rows) {
    const flow = r.lockKey ? byLock.get(r.lockKey) : undefined;
    if (!flow) continue;
    const entry = late.get(flow.id) ?? { pairId: flow.pair_id, count: 0, oldest: r.runAt.toISOString() };
    entry.count++;
    late.set(flow.id, entry);
  }
  return [...late.entries()].map(([flowId, l]) => {
    const minutes = Math.floor((now.getTime() - new Date(l.oldest).getTime()) / 60_000);
    return {
      key: `backlog:${flowId}`,
      kind: 'backlog.growing',
      severity: 'warning',
      pairId: l.pairId,
      flowId,
      connectionId: null,
      title: `Flow ${flowId} has ${l.count} ${l.count === 1 ? 'run' : 'runs'} waiting for ${minutes} minutes`,
      why: 'The workers do not keep up, a long run holds the flow, or no Koppel service is running.',
      count: 0,
      documents: [],
      fix: {
        action: 'Check that the service runs, look for a run that does not end, or add workers.',
        webPath: `/activity?flow=${encodeURIComponent(flowId)}`,
        cli: `koppel runs --flow ${flowId}`,
      },
    };
  });
};

/**
 * A connection whose refresh token dies within `tokenWarnDays` if unused: the daily keep-alive
 * should have renewed it long before, so this means the keep-alive is not running or failing.
 * The token's issue time is only stored inside the encrypted credentials, so they are opened here
 * (and nothing of them leaves this function but that time).
 */
export const detectExpiringTokens: Detector = async (deps, now) => {
  const apps = Object.keys(refreshTokenLifetimeDays);
  const rows = await deps.store.db
    .selectFrom('connections')
    .select(['id', 'pair_id', 'app', 'name', 'credentials'])
    .where('app', 'in', apps)
    .where('status', 'in', ['active', 'needs_tenant'])
    .where('credentials', 'is not', null)
    .execute();
  const problems: Problem[] = [];
  for (const c of rows) {
    let issuedAt: string | undefined;
    try {
      issuedAt = tokensFromCredentials(deps.box.decryptJson(c.credentials!))?.issuedAt;
    } catch {
      continue;
    }
    if (!issuedAt) continue;
    const expires = new Date(issuedAt).getTime() + refreshTokenLifetimeDays[c.app]! * dayMs;
    if (Number.isNaN(expires) || expires - now.getTime() > tokenWarnDays * dayMs) continue;
    problems.push({
      key: `token.expiring:${c.id}`,
      kind: 'token.expiring',
      severity: 'warning',
      pairId: c.pair_id,
      flowId: null,
      connectionId: c.id,
      title: `The authorization of connection "${c.name}" expires ${new Date(expires).toISOString().slice(0, 10)} unless it is used`,
      why: 'Its refresh token was not renewed by a run or the daily keep-alive; an unused one dies after its lifetime.',
      count: 0,
      documents: [],
      fix: {
        action: 'Make sure the Koppel service runs (the keep-alive renews it daily), or connect it again.',
        webPath: connectPath(c.pair_id, c.app),
        cli: `koppel connect ${c.id}`,
      },
    });
  }
  return problems;
};

/** Every detector, in the order their problems are listed. */
export const alertDetectors: ReadonlyArray<{ kind: string; detect: Detector }> = [
  { kind: 'connection.paused', detect: detectPausedConnections },
  { kind: 'flow.failing', detect: detectFailingFlows },
  { kind: 'dead_letters.new', detect: detectDeadLetters },
  { kind: 'budget.near_limit', detect: detectBudgetNearLimit },
  { kind: 'webhooks.refused', detect: detectRefusedWebhooks },
  { kind: 'backlog.growing', detect: detectBacklog },
  { kind: 'token.expiring', detect: detectExpiringTokens },
  { kind: 'reconcile.difference', detect: detectReconcileDifferences },
];
