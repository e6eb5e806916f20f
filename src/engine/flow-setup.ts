import { getMaxListeners, setMaxListeners } from 'node:events';
import type { Selectable } from 'kysely';
import { KoppelError } from '../core/errors.js';
import type { Logger } from '../core/logging.js';
import { compileMapping, type CompiledMapping } from '../mapping/index.js';
import type { MappingDefinition } from '../mapping/types.js';
import type { ConnectionTable, FlowTable } from '../store/schema.js';
import { connectionNotReady } from './connection-readiness.js';
import { CallCounter, connectorContext } from './connector-context.js';
import type { EngineDeps } from './deps.js';
import {
  readInstallationSettings,
  redactedFieldNames,
  type InstallationSettings,
} from './installation-settings.js';
import type { FlowKind, FlowRuntime, FlowRuntimeContext } from './types.js';
import { mappingVersion } from '../store/repos/mappings.js';
import type { ApiPriority } from '../connectors/kit/api-budget.js';
import { runPriority } from './run-priority.js';
import { readOnlyMemory, storePairLinks, storePairMemory } from './pair-memory.js';

/** Everything a run or a replay of one flow needs, loaded once. */
export interface FlowSetup {
  flow: Selectable<FlowTable>;
  kind: FlowKind;
  runtime: FlowRuntime;
  /** What the runtime was opened with (also what `checkMappings` gets). */
  context: FlowRuntimeContext;
  source: Selectable<ConnectionTable>;
  target: Selectable<ConnectionTable>;
  mapping: CompiledMapping;
  /** The mapping as written (value maps included), for `checkMappings`. */
  mappingDefinition: MappingDefinition;
  mappingVersion: number;
  /** Target fields an update must leave alone. */
  createOnlyFields: ReadonlySet<string>;
  settings: InstallationSettings;
  redaction: ReadonlySet<string>;
  calls: CallCounter;
  /**
   * Every line about this flow's work: the engine's, its connectors' and its flow kind's. A run's
   * carries its run, flow and pair ids (and its job's), so one run can be followed in a log tool.
   */
  logger: Logger;
  /** The id the run this setup is for will have (minted first, so its connectors log it too). */
  runId?: string;
  /** How urgent this run's API calls are (src/engine/run-priority.ts). */
  priority: ApiPriority;
  /**
   * From now on a long wait for API budget ends the run as yielded (a backfill given
   * `yieldAfterMs`; else nothing changes): called once the run has stored a page.
   */
  allowYield(): void;
  /**
   * Aborts when the run must stop (a cancel, the worker pool stopping): no new record is started,
   * no call is retried, and what was under way is left for the next run to settle.
   */
  signal: AbortSignal;
}

/** Waits of one run at once on its signal before Node warns (see loadFlowSetup). */
const concurrentWaitsPerRun = 200;

/** Version 0 is the flow kind's built-in default mapping. */
export async function loadMapping(
  deps: EngineDeps,
  flowId: string,
  kind: FlowKind,
  version: number | null,
): Promise<{ definition: MappingDefinition; version: number }> {
  if (version === null || version === 0) return { definition: kind.defaultMapping, version: 0 };
  const row = await mappingVersion<MappingDefinition>(deps.store.db, flowId, version);
  if (!row) {
    throw new KoppelError(`Flow ${flowId} has no mapping version ${version}`, {
      code: 'mapping.version_missing',
      kind: 'not_found',
    });
  }
  return { definition: row.definition, version };
}

export async function loadFlowSetup(
  deps: EngineDeps,
  flowId: string,
  signal: AbortSignal,
  options: {
    mappingVersion?: number | null;
    dryRun?: boolean;
    /** For a run: what decides its API priority; without it the run is `normal`. */
    run?: {
      trigger: string;
      cursor: string | null;
      backfill?: boolean | undefined;
      /**
       * A backfill whose next call would wait longer than this for API budget ends as yielded
       * instead (src/connectors/kit/budget-yield.ts); absent, it waits. Live and normal runs always
       * wait: they are short, and live work keeps its own reserve of the budget and of the workers.
       */
      yieldAfterMs?: number | undefined;
    };
    /** The run this setup is for, named on every line it logs. */
    log?: RunLogIds;
  } = {},
): Promise<FlowSetup> {
  const db = deps.store.db;
  const flow = await db.selectFrom('flows').selectAll().where('id', '=', flowId).executeTakeFirst();
  if (!flow) throw new KoppelError(`No flow "${flowId}"`, { code: 'flow.not_found', kind: 'not_found' });
  const kind = deps.registry.kinds.get(flow.kind);
  if (!kind) {
    throw new KoppelError(`Flow ${flowId} has kind "${flow.kind}", which this installation does not know`, {
      code: 'flow.unknown_kind',
      kind: 'invalid',
    });
  }
  const connections = await db
    .selectFrom('connections')
    .selectAll()
    .where('id', 'in', [flow.source_connection_id, flow.target_connection_id])
    .execute();
  const source = connections.find((c) => c.id === flow.source_connection_id);
  const target = connections.find((c) => c.id === flow.target_connection_id);
  if (!source || !target)
    throw new KoppelError(`Flow ${flowId} refers to a missing connection`, {
      code: 'flow.connection_missing',
      kind: 'invalid',
    });
  // Paused, not authorized or without a tenant: nothing to do until a person acts.
  for (const c of [source, target])
    if (c.status !== 'active') throw connectionNotReady(flowId, c, deps.registry.apps.get(c.app));
  const { definition, version } = await loadMapping(
    deps,
    flowId,
    kind,
    options.mappingVersion === undefined ? flow.mapping_version : options.mappingVersion,
  );
  const settings = await readInstallationSettings(db, deps.defaults);
  const calls = new CallCounter();
  // Settings are stored as written; the kind's schema fills in its defaults here.
  const parsedSettings = kind.settingsSchema.safeParse(JSON.parse(flow.settings));
  if (!parsedSettings.success) {
    throw new KoppelError(
      `Flow ${flowId} has invalid settings: ${parsedSettings.error.issues.map((i) => `${i.path.join('.') || '(settings)'}: ${i.message}`).join('; ')}`,
      { code: 'flow.invalid_settings', kind: 'invalid' },
    );
  }
  const flowSettings = parsedSettings.data;
  const priority = options.run ? runPriority({ kind, settings: flowSettings, ...options.run }) : 'normal';
  const yieldAfterMs = priority === 'backfill' ? options.run?.yieldAfterMs : undefined;
  // Closed until the run has stored a page (`allowYield`): a run that gave its worker up before
  // that would leave nothing for the next one, which would read the same page again.
  let yieldAllowed = false;
  const budget = {
    priority,
    reserve: settings.apiBudgetReserve,
    ...(yieldAfterMs === undefined
      ? {}
      : { budgetWaitLimitMs: () => (yieldAllowed ? yieldAfterMs : Number.POSITIVE_INFINITY) }),
  };
  // Every call of the run that waits (for API budget, a rate window, a backoff) listens on the
  // run's signal until its wait ends; a run's writers wait side by side, more than Node's default
  // of ten before it warns of a leak that is none.
  if (getMaxListeners(signal) < concurrentWaitsPerRun) setMaxListeners(concurrentWaitsPerRun, signal);
  const logger = flowLogger(deps.logger, flow, options.log);
  const logged = { ...deps, logger };
  const sourceCtx = connectorContext(logged, source, calls, signal, budget);
  const targetCtx = connectorContext(logged, target, calls, signal, budget);
  const createOnlyFields: ReadonlySet<string> = new Set(
    Object.entries(definition.fields)
      .filter(([, f]) => f.overwrite === false)
      .map(([k]) => k),
  );
  const memory = storePairMemory(deps.store, flow.pair_id, deps.clock);
  const context: FlowRuntimeContext = {
    flowId,
    pairId: flow.pair_id,
    settings: flowSettings,
    source: sourceCtx,
    target: targetCtx,
    clock: deps.clock,
    logger: logger.child({ flow: flowId }),
    // A dry run writes nothing, not even what it learnt.
    memory: options.dryRun ? readOnlyMemory(memory) : memory,
    links: storePairLinks(deps.store, flow.pair_id),
    createOnlyFields,
    ...(options.dryRun ? { dryRun: true } : {}),
  };
  const runtime = kind.open(context);
  return {
    flow,
    kind,
    runtime,
    context,
    source,
    target,
    mapping: compileMapping(definition),
    mappingDefinition: definition,
    mappingVersion: version,
    createOnlyFields,
    settings,
    redaction: redactedFieldNames(settings, deps.registry),
    calls,
    logger,
    ...(options.log ? { runId: options.log.runId } : {}),
    priority,
    signal,
    allowYield: () => void (yieldAllowed = true),
  };
}

/** What names a run on its log lines besides its flow and pair. */
export interface RunLogIds {
  runId: string;
  jobId?: string | undefined;
  /** A replay's run (by hand or an automatic retry of dead letters). */
  replay?: boolean;
}

/**
 * The logger of one flow's work: its flow and pair, and for a run the run (and the job it runs in,
 * unless the job's own logger already says so: a key twice in one JSON line confuses log tools).
 */
export function flowLogger(base: Logger, flow: { id: string; pair_id: string }, run?: RunLogIds): Logger {
  const bound = base.bindings();
  return base.child({
    ...(run ? { runId: run.runId } : {}),
    flowId: flow.id,
    pairId: flow.pair_id,
    ...(run?.jobId && bound.jobId === undefined ? { jobId: run.jobId } : {}),
    ...(run?.replay ? { replay: true } : {}),
  });
}

/** The engine's dependencies for one flow's work: the same, logging through the setup's logger. */
export function withSetupLogger(deps: EngineDeps, setup: Pick<FlowSetup, 'logger'>): EngineDeps {
  return { ...deps, logger: setup.logger };
}
