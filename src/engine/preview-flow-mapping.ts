import { isPlainObject, stableStringify } from '../core/json.js';
import { REDACTED } from '../core/redaction.js';
import { previewMapping, type MappingDefinition, type PreviewResult } from '../mapping/index.js';
import type { FieldError } from '../mapping/types.js';
import type { Flow } from '../store/repos/flows.js';
import type { EngineDeps } from './deps.js';
import { flowMapping } from './flow-mapping.js';

export interface FlowPreviewRequest {
  /** A proposed mapping, already checked (`validateMapping`); without it the active one. */
  mapping?: MappingDefinition | undefined;
  /** Sample source records to map. */
  samples?: unknown[] | undefined;
  /** Or the snapshots of the flow's n most recent records (one per source record). */
  recent?: number | undefined;
  /** Source path of each sample's id. */
  idPath?: string | undefined;
  /** Answer each record as it was mapped too (as stored: redacted fields stay redacted). */
  withInput?: boolean | undefined;
}

export interface OutputChange {
  path: string;
  /** What the active mapping makes of the record (null: nothing). */
  before: unknown;
  /** What the proposed mapping makes of it (null: nothing). */
  after: unknown;
}

export interface FlowPreviewResult extends PreviewResult {
  /** With `recent`: the record the snapshot comes from and how people know it. */
  recordId?: string;
  label?: string | null;
  /** With `recent`: the payload retention emptied this record's snapshot; nothing was mapped. */
  purged?: boolean;
  /** Source fields the redaction list kept out of the stored snapshot (mapped as `[redacted]`). */
  redactedFields?: string[];
  /** With a proposed mapping: how its output differs from the active mapping's, per field. */
  changes?: OutputChange[];
  /** With `withInput`: the source record that was mapped. */
  input?: unknown;
}

export interface FlowPreview {
  flowId: string;
  activeVersion: number;
  proposed: boolean;
  results: FlowPreviewResult[];
  /** Field errors over all samples. */
  errorCount: number;
  /** The mapping (proposed, or active) does not compile; nothing was mapped. */
  compileErrors?: FieldError[];
}

interface Sample {
  record: unknown;
  recordId?: string;
  label?: string | null;
  sourceId?: string;
  purged?: boolean;
}

/**
 * What a flow's mapping, or a proposed one, makes of sample records or of the flow's most recent
 * records, and (for a proposed mapping) how that differs from what the active version makes of
 * them. Recent records are read from the activity log as stored: redacted fields stay redacted,
 * and a record whose payloads the retention purged is listed as purged. Writes nothing.
 */
export async function previewFlowMapping(
  deps: Pick<EngineDeps, 'store' | 'registry'>,
  flow: Flow,
  request: FlowPreviewRequest,
): Promise<FlowPreview> {
  const active = await flowMapping(deps, flow);
  const samples: Sample[] =
    request.recent !== undefined
      ? await recentSamples(deps, flow.id, request.recent)
      : (request.samples ?? []).map((record) => ({ record }));
  const definition = request.mapping ?? active.definition;
  const mappable = samples.filter((s) => !s.purged);
  const idPath = request.recent === undefined ? { idPath: request.idPath } : {};
  const records = mappable.map((s) => s.record);
  const preview = await previewMapping(definition, records, idPath);
  const base = { flowId: flow.id, activeVersion: active.version, proposed: request.mapping !== undefined };
  if (preview.compileErrors)
    return { ...base, results: [], errorCount: 0, compileErrors: preview.compileErrors };
  const before = request.mapping ? await previewMapping(active.definition, records) : undefined;
  const results: FlowPreviewResult[] = [];
  let next = 0;
  for (const [index, sample] of samples.entries()) {
    const named =
      sample.recordId === undefined ? {} : { recordId: sample.recordId, label: sample.label ?? null };
    if (sample.purged) {
      results.push({
        index,
        ...(sample.sourceId === undefined ? {} : { sourceId: sample.sourceId }),
        ...named,
        purged: true,
        output: {},
        errors: [],
      });
      continue;
    }
    const i = next++;
    const result = preview.results[i] as PreviewResult;
    const redacted = redactedPaths(sample.record);
    results.push({
      ...result,
      index,
      ...(sample.sourceId === undefined ? {} : { sourceId: sample.sourceId }),
      ...named,
      ...(redacted.length > 0 ? { redactedFields: redacted } : {}),
      ...(request.withInput ? { input: sample.record } : {}),
      ...(before ? { changes: outputChanges(before.results[i]?.output ?? {}, result.output) } : {}),
    });
  }
  return { ...base, results, errorCount: preview.errorCount };
}

/** The newest record of each of the flow's most recently handled source records, up to `n`. */
async function recentSamples(deps: Pick<EngineDeps, 'store'>, flowId: string, n: number): Promise<Sample[]> {
  const rows = await deps.store.db
    .selectFrom('records')
    .select(['id', 'source_id', 'label', 'snapshot', 'payload_purged'])
    .where('flow_id', '=', flowId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(n * 5)
    .execute();
  const seen = new Set<string>();
  const samples: Sample[] = [];
  for (const row of rows) {
    if (seen.has(row.source_id)) continue;
    seen.add(row.source_id);
    const base = { recordId: row.id, label: row.label, sourceId: row.source_id };
    if (row.snapshot === null) samples.push({ ...base, record: null, purged: true });
    else samples.push({ ...base, record: JSON.parse(row.snapshot) as unknown });
    if (samples.length === n) break;
  }
  return samples;
}

/** Every field whose value differs, is new or is gone, by dotted path. */
export function outputChanges(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): OutputChange[] {
  const b = flatten(before);
  const a = flatten(after);
  const paths = [...new Set([...b.keys(), ...a.keys()])].sort();
  return paths
    .filter((p) => stableStringify(b.get(p)) !== stableStringify(a.get(p)))
    .map((path) => ({ path, before: b.get(path) ?? null, after: a.get(path) ?? null }));
}

function flatten(value: Record<string, unknown>, prefix = '', out = new Map<string, unknown>()) {
  for (const [key, v] of Object.entries(value)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (isPlainObject(v)) flatten(v, path, out);
    else if (v !== undefined) out.set(path, v);
  }
  return out;
}

function redactedPaths(value: unknown, prefix = ''): string[] {
  if (value === REDACTED) return [prefix || '(record)'];
  if (Array.isArray(value)) return value.flatMap((v, i) => redactedPaths(v, `${prefix}[${i}]`));
  if (isPlainObject(value))
    return Object.entries(value).flatMap(([k, v]) => redactedPaths(v, prefix ? `${prefix}.${k}` : k));
  return [];
}
