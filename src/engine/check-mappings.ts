import { KoppelError, toKoppelError } from '../core/errors.js';
import { listFlows } from '../store/repos/flows.js';
import { getPair, listPairs } from '../store/repos/pairs.js';
import type { EngineDeps } from './deps.js';
import { loadFlowSetup } from './flow-setup.js';
import type { MissingMapping } from './types.js';

export type { MissingMapping } from './types.js';

export type FlowMappingCheck =
  | { flowId: string; kind: string; status: 'checked'; missing: MissingMapping[] }
  | { flowId: string; kind: string; status: 'not_checked' }
  | { flowId: string; kind: string; status: 'error'; error: KoppelError };

/**
 * Before a pair goes live: every flow whose kind can check its mappings lists the source values
 * it has no mapping for, reading both sides live. Flows are opened as for a dry run (nothing may
 * be written); one flow that cannot be checked does not hide the others' answers.
 */
export async function checkPairMappings(
  deps: EngineDeps,
  pairId: string,
  signal: AbortSignal = new AbortController().signal,
): Promise<FlowMappingCheck[]> {
  const pair = await getPair(deps.store.db, pairId);
  if (!pair) {
    const known = (await listPairs(deps.store.db)).map((p) => p.id);
    throw new KoppelError(
      `No pair "${pairId}"; ${known.length ? `known pairs: ${known.join(', ')}` : 'there are no pairs yet'}`,
      { code: 'pair.not_found', kind: 'not_found' },
    );
  }
  const results: FlowMappingCheck[] = [];
  for (const flow of await listFlows(deps.store.db, { pairId })) {
    const kind = deps.registry.kinds.get(flow.kind);
    if (!kind?.checkMappings) {
      results.push({ flowId: flow.id, kind: flow.kind, status: 'not_checked' });
      continue;
    }
    try {
      const setup = await loadFlowSetup(deps, flow.id, signal, { dryRun: true });
      const missing = await kind.checkMappings(setup.context, setup.mappingDefinition);
      results.push({ flowId: flow.id, kind: flow.kind, status: 'checked', missing: sorted(missing) });
    } catch (e) {
      results.push({ flowId: flow.id, kind: flow.kind, status: 'error', error: toKoppelError(e) });
    }
  }
  return results;
}

function sorted(missing: MissingMapping[]): MissingMapping[] {
  return [...missing].sort(
    (a, b) =>
      a.domain.localeCompare(b.domain) || a.value.localeCompare(b.value) || a.where.localeCompare(b.where),
  );
}

/** A check as data for programs (`koppel check --json`, the API). */
export interface CheckReport {
  pairId: string;
  /** Every flow could be checked and no source value lacks a mapping (informational ones aside). */
  ok: boolean;
  flows: Array<
    | Exclude<FlowMappingCheck, { status: 'error' }>
    | {
        flowId: string;
        kind: string;
        status: 'error';
        error: { code: string; kind: string; message: string };
      }
  >;
}

export function checkReport(pairId: string, results: FlowMappingCheck[]): CheckReport {
  const missing = results.some((r) => r.status === 'checked' && r.missing.some((m) => !m.informational));
  const errors = results.some((r) => r.status === 'error');
  return {
    pairId,
    ok: !missing && !errors,
    flows: results.map((r) =>
      r.status === 'error'
        ? { ...r, error: { code: r.error.code, kind: r.error.kind, message: r.error.message } }
        : r,
    ),
  };
}
