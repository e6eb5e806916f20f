import type { Kysely } from 'kysely';
import type { EngineDeps } from '../engine/deps.js';
import { flowMapping } from '../engine/flow-mapping.js';
import { diffMappings, type MappingDefinition, type MappingDiff } from '../mapping/index.js';
import type { Flow } from '../store/repos/flows.js';
import { listMappingVersions } from '../store/repos/mappings.js';
import type { Database } from '../store/schema.js';

/** The audit action of a new mapping version, whoever made it (the API, a workspace file). */
export const mappingPublishAction = 'mapping.publish';

export interface MappingVersionSummary {
  version: number;
  createdAt: string;
  /** Who published it, from the audit log (null when the log has no line for it). */
  createdBy: { kind: string; name: string } | null;
  active: boolean;
}

export interface MappingVersionDetail {
  flowId: string;
  version: number;
  definition: MappingDefinition;
  active: boolean;
  createdAt: string | null;
  createdBy: MappingVersionSummary['createdBy'];
  /** The version this one is compared with: the one before it (0: the kind's default); null for 0. */
  previousVersion: number | null;
  diff: MappingDiff | null;
}

type Deps = Pick<EngineDeps, 'store' | 'registry'>;

/** Every stored version of a flow's mapping, newest first, with who published it. */
export async function listFlowMappingVersions(deps: Deps, flow: Flow): Promise<MappingVersionSummary[]> {
  const versions = await listMappingVersions<MappingDefinition>(deps.store.db, flow.id);
  const authors = await mappingAuthors(deps.store.db, flow.id);
  return versions.reverse().map((v) => ({
    version: v.version,
    createdAt: v.createdAt,
    createdBy: authors.get(v.version) ?? null,
    active: (flow.mappingVersion ?? 0) === v.version,
  }));
}

/** One version (0: the kind's default) with its diff against the version before it. */
export async function flowMappingVersionDetail(
  deps: Deps,
  flow: Flow,
  version: number,
): Promise<MappingVersionDetail> {
  const wanted = await flowMapping(deps, flow, version);
  const previous = version === 0 ? null : await flowMapping(deps, flow, version - 1).catch(() => null);
  const authors = version === 0 ? new Map() : await mappingAuthors(deps.store.db, flow.id);
  return {
    flowId: flow.id,
    version,
    definition: wanted.definition,
    active: wanted.active,
    createdAt: wanted.createdAt,
    createdBy: authors.get(version) ?? null,
    previousVersion: previous ? previous.version : null,
    diff: previous ? diffMappings(previous.definition, wanted.definition) : null,
  };
}

/** Version → who published it, from the audit lines of the flow's mapping. */
async function mappingAuthors(
  db: Kysely<Database>,
  flowId: string,
): Promise<Map<number, MappingVersionSummary['createdBy']>> {
  const rows = await db
    .selectFrom('audit_log')
    .select(['actor_kind', 'actor_name', 'details'])
    .where('action', '=', mappingPublishAction)
    .where('target_kind', '=', 'flow')
    .where('target_id', '=', flowId)
    .orderBy('id')
    .execute();
  const authors = new Map<number, MappingVersionSummary['createdBy']>();
  for (const row of rows) {
    const version = Number((JSON.parse(row.details) as { version?: unknown }).version);
    if (Number.isInteger(version)) authors.set(version, { kind: row.actor_kind, name: row.actor_name });
  }
  return authors;
}
