import type { Kysely } from 'kysely';
import type { Clock } from '../core/clock.js';
import { KoppelError } from '../core/errors.js';
import type { FlowRegistry } from '../engine/types.js';
import { listConnections } from '../store/repos/connections.js';
import { deleteFlow, getFlow, upsertFlow, type Flow, type FlowInput } from '../store/repos/flows.js';
import { getPair } from '../store/repos/pairs.js';
import type { Database } from '../store/schema.js';
import { checkFlowDeclaration } from './validate-workspace.js';
import type { WorkspaceError } from './workspace-errors.js';

/**
 * Flows changed one at a time (the HTTP API), in the same tables and under the same checks as a
 * workspace file's flows, so `koppel export` writes them out and `koppel apply` of that file
 * changes nothing. Settings are stored as given; the kind's schema fills in its defaults when read.
 */
export interface NewFlow {
  id: string;
  pairId: string;
  kind: string;
  source: string;
  target: string;
  enabled: boolean;
  schedule: string | null;
  priority: number;
  settings: Record<string, unknown>;
}

export interface FlowChange {
  enabled?: boolean | undefined;
  schedule?: string | null | undefined;
  priority?: number | undefined;
  settings?: Record<string, unknown> | undefined;
}

export async function createFlow(
  db: Kysely<Database>,
  registry: FlowRegistry,
  clock: Clock,
  input: NewFlow,
): Promise<Flow> {
  return db.transaction().execute(async (trx) => {
    if (!(await getPair(trx, input.pairId))) throw noSuchPair(input.pairId);
    if (await getFlow(trx, input.id))
      throw new KoppelError(`A flow "${input.id}" exists already; flow ids are unique in the installation`, {
        code: 'flow.exists',
        kind: 'conflict',
      });
    await check(trx, registry, input);
    const row: FlowInput = {
      id: input.id,
      pairId: input.pairId,
      kind: input.kind,
      sourceConnectionId: input.source,
      targetConnectionId: input.target,
      enabled: input.enabled,
      schedule: input.schedule,
      priority: input.priority,
      settings: input.settings,
      mappingVersion: null,
    };
    await upsertFlow(trx, row, clock.now().toISOString());
    return (await getFlow(trx, input.id)) as Flow;
  });
}

/** Change what is given; null when there is no such flow. */
export async function changeFlow(
  db: Kysely<Database>,
  registry: FlowRegistry,
  clock: Clock,
  id: string,
  change: FlowChange,
): Promise<Flow | null> {
  return db.transaction().execute(async (trx) => {
    const flow = await getFlow(trx, id);
    if (!flow) return null;
    const next: FlowInput = {
      ...flow,
      ...(change.enabled === undefined ? {} : { enabled: change.enabled }),
      ...(change.schedule === undefined ? {} : { schedule: change.schedule }),
      ...(change.priority === undefined ? {} : { priority: change.priority }),
      ...(change.settings === undefined ? {} : { settings: change.settings }),
    };
    if (change.settings !== undefined)
      await check(trx, registry, {
        pairId: flow.pairId,
        kind: flow.kind,
        source: flow.sourceConnectionId,
        target: flow.targetConnectionId,
        settings: change.settings,
      });
    await upsertFlow(trx, next, clock.now().toISOString());
    return getFlow(trx, id);
  });
}

/** Delete a flow and its mapping versions; its run history is left to retention. */
export function removeFlow(db: Kysely<Database>, id: string): Promise<boolean> {
  return deleteFlow(db, id);
}

/** The checks a workspace file's flow gets: kind, settings by its schema, source and target. */
async function check(
  db: Kysely<Database>,
  registry: FlowRegistry,
  flow: Pick<NewFlow, 'pairId' | 'kind' | 'source' | 'target' | 'settings'>,
): Promise<void> {
  // Only the pair's own connections: another pair's, in or out of the caller's scope, is "no connection".
  const connections = await listConnections(db, { pairId: flow.pairId });
  const errors = checkFlowDeclaration(
    { kind: flow.kind, source: flow.source, target: flow.target, settings: flow.settings },
    flow.pairId,
    connections,
    registry,
  );
  if (errors.length > 0) throw invalidFlow(errors);
}

/** The answer for a pair that does not exist (or, through the API, that the caller may not see). */
export function noSuchPair(pairId: string): KoppelError {
  return invalidFlow([{ path: 'pairId', reason: `no pair "${pairId}"` }]);
}

function invalidFlow(errors: WorkspaceError[]): KoppelError {
  return new KoppelError(`Invalid flow: ${errors.map((e) => `${e.path}: ${e.reason}`).join('; ')}`, {
    code: 'flow.invalid',
    kind: 'invalid',
    details: { errors },
  });
}
