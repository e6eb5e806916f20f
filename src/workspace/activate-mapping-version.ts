import type { Clock } from '../core/clock.js';
import { KoppelError } from '../core/errors.js';
import type { EngineDeps } from '../engine/deps.js';
import { flowMapping, requireFlow } from '../engine/flow-mapping.js';
import { diffMappings, type MappingDiff } from '../mapping/index.js';
import { setFlowMappingVersion } from '../store/repos/flows.js';

/** The audit action of pointing a flow at an earlier (or later) stored version of its mapping. */
export const mappingActivateAction = 'mapping.activate';

export interface ActivateMappingRequest {
  flowId: string;
  /** A stored version of the flow, or 0 for its kind's default mapping. */
  version: number;
  /** The version the person saw active; refused when another became active since. */
  baseVersion?: number | undefined;
}

export interface ActivateMappingResult {
  flowId: string;
  pairId: string;
  version: number;
  previousVersion: number;
  /** What the flow's runs map differently now, against the version that was active before. */
  diff: MappingDiff;
}

/**
 * Rolls a flow back (or forward) to a version it already has, without adding a version: the
 * stored versions stay as they were, so the one left behind can be made active again later.
 */
export async function activateMappingVersion(
  deps: Pick<EngineDeps, 'store' | 'registry'> & { clock: Clock },
  request: ActivateMappingRequest,
): Promise<ActivateMappingResult> {
  return deps.store.db.transaction().execute(async (trx) => {
    const tx = { ...deps, store: { ...deps.store, db: trx } };
    const flow = await requireFlow(tx, request.flowId);
    const active = await flowMapping(tx, flow);
    if (request.baseVersion !== undefined && request.baseVersion !== active.version)
      throw new KoppelError(
        `Flow ${flow.id} runs mapping version ${active.version} now, not ${request.baseVersion}: look at the versions again`,
        {
          code: 'mapping.version_conflict',
          kind: 'conflict',
          details: { activeVersion: active.version, baseVersion: request.baseVersion },
        },
      );
    const wanted = await flowMapping(tx, flow, request.version);
    const at = deps.clock.now().toISOString();
    if (wanted.version !== active.version)
      await setFlowMappingVersion(trx, flow.id, wanted.version === 0 ? null : wanted.version, at);
    return {
      flowId: flow.id,
      pairId: flow.pairId,
      version: wanted.version,
      previousVersion: active.version,
      diff: diffMappings(active.definition, wanted.definition),
    };
  });
}
