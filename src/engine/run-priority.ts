import { apiPriorities, type ApiPriority } from '../connectors/kit/api-budget.js';
import type { FlowKind } from './types.js';

export interface PriorityInput {
  kind: Pick<FlowKind, 'apiPriority'>;
  /** The flow's settings; `apiPriority` there overrides the kind's. */
  settings: Record<string, unknown>;
  trigger: string;
  /** A run from an empty cursor reads everything the source has. */
  cursor: string | null;
  /** Asked for explicitly (e.g. `koppel sync --backfill`). */
  backfill?: boolean | undefined;
}

/**
 * How urgent a run's API calls are. A backfill is always `backfill`, whatever the flow, so reading
 * history never takes the budget kept for live orders; a webhook-triggered run is `live`.
 */
export function runPriority(input: PriorityInput): ApiPriority {
  if (input.backfill || input.cursor === null) return 'backfill';
  const configured = input.settings['apiPriority'];
  if (typeof configured === 'string' && (apiPriorities as readonly string[]).includes(configured))
    return configured as ApiPriority;
  if (input.trigger === 'webhook') return 'live';
  return input.kind.apiPriority ?? 'normal';
}
