import type { Clock } from '../core/clock.js';
import { KoppelError } from '../core/errors.js';
import { stableStringify } from '../core/json.js';
import type { EngineDeps } from '../engine/deps.js';
import { flowMapping, requireFlow } from '../engine/flow-mapping.js';
import { diffMappings, type MappingDiff } from '../mapping/index.js';
import { setFlowMappingVersion } from '../store/repos/flows.js';
import { saveMappingVersion } from '../store/repos/mappings.js';
import { validateMapping } from './validate-mapping.js';
import { invalidMappingError } from './workspace-errors.js';

export interface PublishMappingRequest {
  flowId: string;
  /** The new definition, as a person or a program wrote it; checked here. */
  mapping: unknown;
  /**
   * The version the author started from: when another version became active since, the publish
   * is refused (conflict) rather than silently undoing the other author's change.
   */
  baseVersion?: number | undefined;
}

export interface PublishMappingResult {
  flowId: string;
  pairId: string;
  /** The active version now. */
  version: number;
  /** The version that was active before (0: the kind's default). */
  previousVersion: number;
  /** False when the definition equals the active one: no version is added. */
  created: boolean;
  /** What changed against the version that was active before. */
  diff: MappingDiff;
}

/**
 * A new version of a flow's mapping, which new runs use at once. It is checked exactly as a
 * workspace file's mapping is (every problem answered at once, `mapping.fields.email.expr: …`);
 * a definition equal to the active one adds no version, as applying a workspace file would not.
 */
export async function publishMapping(
  deps: Pick<EngineDeps, 'store' | 'registry'> & { clock: Clock },
  request: PublishMappingRequest,
): Promise<PublishMappingResult> {
  const validation = validateMapping(request.mapping, ['mapping']);
  if (!validation.ok) throw invalidMappingError(validation.errors);
  const definition = validation.definition;
  return deps.store.db.transaction().execute(async (trx) => {
    const tx = { ...deps, store: { ...deps.store, db: trx } };
    const flow = await requireFlow(tx, request.flowId);
    const active = await flowMapping(tx, flow);
    if (request.baseVersion !== undefined && request.baseVersion !== active.version)
      throw new KoppelError(
        `Flow ${flow.id} runs mapping version ${active.version} now, not ${request.baseVersion}: start again from the active version`,
        {
          code: 'mapping.version_conflict',
          kind: 'conflict',
          details: { activeVersion: active.version, baseVersion: request.baseVersion },
        },
      );
    const diff = diffMappings(active.definition, definition);
    const base = { flowId: flow.id, pairId: flow.pairId, previousVersion: active.version, diff };
    if (active.version !== 0 && stableStringify(active.definition) === stableStringify(definition))
      return { ...base, version: active.version, created: false };
    const at = deps.clock.now().toISOString();
    const saved = await saveMappingVersion(trx, flow.id, definition, at).catch((e: unknown) => {
      throw isUniqueViolation(e)
        ? new KoppelError(
            `Another version of flow ${flow.id}'s mapping was saved at the same time; try again`,
            {
              code: 'mapping.version_conflict',
              kind: 'conflict',
            },
          )
        : e;
    });
    await setFlowMappingVersion(trx, flow.id, saved.version, at);
    return { ...base, version: saved.version, created: true };
  });
}

/** Two saves of one flow's version n+1 at once: the primary key refuses the second. */
function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === '23505' || (typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT'));
}
