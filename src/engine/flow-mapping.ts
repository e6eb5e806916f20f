import { KoppelError } from '../core/errors.js';
import type { MappingDefinition } from '../mapping/types.js';
import { getFlow, type Flow } from '../store/repos/flows.js';
import { mappingVersion } from '../store/repos/mappings.js';
import type { EngineDeps } from './deps.js';
import type { FlowKind } from './types.js';

export interface FlowMapping {
  flowId: string;
  /** 0 is the flow kind's built-in default mapping. */
  version: number;
  definition: MappingDefinition;
  /** The version the flow's runs use now. */
  active: boolean;
  /** When the version was stored; null for the default. */
  createdAt: string | null;
}

type MappingDeps = Pick<EngineDeps, 'store' | 'registry'>;

/** The flow, or `flow.not_found`. */
export async function requireFlow(deps: Pick<EngineDeps, 'store'>, flowId: string): Promise<Flow> {
  const flow = await getFlow(deps.store.db, flowId);
  if (!flow) throw new KoppelError(`No flow "${flowId}"`, { code: 'flow.not_found', kind: 'not_found' });
  return flow;
}

export function flowKindOf(deps: Pick<EngineDeps, 'registry'>, flow: Flow): FlowKind {
  const kind = deps.registry.kinds.get(flow.kind);
  if (!kind)
    throw new KoppelError(`Flow ${flow.id} has kind "${flow.kind}", which this installation does not know`, {
      code: 'flow.unknown_kind',
      kind: 'invalid',
    });
  return kind;
}

/**
 * The mapping a flow runs with now (no `version`), or one of its stored versions; version 0 is
 * its kind's default, which is also what a flow that never had a version of its own runs with.
 */
export async function flowMapping(deps: MappingDeps, flow: Flow, version?: number): Promise<FlowMapping> {
  const active = flow.mappingVersion ?? 0;
  const wanted = version ?? active;
  if (wanted === 0)
    return {
      flowId: flow.id,
      version: 0,
      definition: flowKindOf(deps, flow).defaultMapping,
      active: active === 0,
      createdAt: null,
    };
  const stored = await mappingVersion<MappingDefinition>(deps.store.db, flow.id, wanted);
  if (!stored)
    throw new KoppelError(`Flow ${flow.id} has no mapping version ${wanted}`, {
      code: 'mapping.version_missing',
      kind: 'not_found',
    });
  return {
    flowId: flow.id,
    version: wanted,
    definition: stored.definition,
    active: active === wanted,
    createdAt: stored.createdAt,
  };
}
