import type { Kysely } from 'kysely';
import { stableStringify } from '../core/json.js';
import type { MappingDefinition } from '../mapping/types.js';
import { setFlowMappingVersion, upsertFlow, type Flow, type FlowInput } from '../store/repos/flows.js';
import { mappingVersion, saveMappingVersion } from '../store/repos/mappings.js';
import type { Database } from '../store/schema.js';
import type { ApplySummary } from './apply-summary.js';
import type { StoredConfiguration } from './stored-configuration.js';
import type { Workspace, WorkspaceFlow } from './workspace-schema.js';

export interface FlowStep {
  trx: Kysely<Database>;
  at: string;
  stored: StoredConfiguration;
  summary: ApplySummary;
}

/**
 * Upsert the file's flows. A mapping becomes a new version only when it differs from the version
 * the flow points at now; a flow without a mapping uses its kind's default (mapping_version null),
 * and its stored versions stay as history.
 */
export async function applyFlows(workspace: Workspace, step: FlowStep): Promise<void> {
  const changes = step.summary.changes.flows;
  for (const pair of workspace.pairs) {
    for (const flow of pair.flows) {
      const existing = step.stored.flows.get(flow.id);
      const desired: FlowInput = {
        id: flow.id,
        pairId: pair.id,
        kind: flow.kind,
        sourceConnectionId: flow.source,
        targetConnectionId: flow.target,
        enabled: flow.enabled,
        schedule: flow.schedule ?? null,
        priority: flow.priority,
        settings: flow.settings,
        mappingVersion: null,
      };
      // Mapping rows reference the flow, so a new flow is written before its first version.
      if (!existing) await upsertFlow(step.trx, desired, step.at);
      if (flow.mapping) desired.mappingVersion = await mappingVersionFor(flow, flow.mapping, existing, step);

      if (!existing) {
        if (desired.mappingVersion !== null) {
          await setFlowMappingVersion(step.trx, flow.id, desired.mappingVersion, step.at);
        }
        changes.created.push(flow.id);
      } else if (sameFlow(existing, desired)) {
        changes.unchanged.push(flow.id);
      } else {
        await upsertFlow(step.trx, desired, step.at);
        changes.updated.push(flow.id);
      }
    }
  }
}

async function mappingVersionFor(
  flow: WorkspaceFlow,
  mapping: MappingDefinition,
  existing: Flow | undefined,
  step: FlowStep,
): Promise<number> {
  const changes = step.summary.changes.mappings;
  const current =
    existing?.mappingVersion != null
      ? await mappingVersion<MappingDefinition>(step.trx, flow.id, existing.mappingVersion)
      : null;
  if (current && stableStringify(current.definition) === stableStringify(mapping)) {
    changes.unchanged.push(`${flow.id} v${current.version}`);
    return current.version;
  }
  const saved = await saveMappingVersion(step.trx, flow.id, mapping, step.at);
  changes.created.push(`${flow.id} v${saved.version}`);
  return saved.version;
}

function sameFlow(existing: Flow, desired: FlowInput): boolean {
  return (
    existing.sourceConnectionId === desired.sourceConnectionId &&
    existing.targetConnectionId === desired.targetConnectionId &&
    existing.enabled === desired.enabled &&
    existing.schedule === desired.schedule &&
    existing.priority === desired.priority &&
    existing.mappingVersion === desired.mappingVersion &&
    stableStringify(existing.settings) === stableStringify(desired.settings)
  );
}
