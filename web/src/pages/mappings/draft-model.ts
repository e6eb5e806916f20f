import type { Schemas } from '../../api/client';

export type MappingDefinition = Schemas['MappingDefinition'];
type FieldMapping = Schemas['FieldMapping'];
export type Origin = 'source' | 'expr' | 'default';
export type FallbackMode = 'error' | 'none' | 'value';

/** One target field as the editor holds it: in the definition's order, renamable. */
export interface FieldRow {
  id: number;
  target: string;
  origin: Origin;
  from: string;
  default: unknown;
  required: boolean;
  valueMap: string;
  overwrite: boolean;
}

export interface EntryRow {
  id: number;
  from: string;
  to: unknown;
}

export interface ValueMapDraft {
  id: number;
  name: string;
  rows: EntryRow[];
  fallback: FallbackMode;
  fallbackValue: unknown;
}

export interface Draft {
  fields: FieldRow[];
  maps: ValueMapDraft[];
}

let lastId = 0;
/** Rows need a stable key while their target or source value is being typed. */
export const nextId = () => ++lastId;

export function draftOf(def: MappingDefinition): Draft {
  return {
    fields: Object.entries(def.fields).map(([target, f]) => ({
      id: nextId(),
      target,
      origin: f.expr !== undefined ? 'expr' : f.source !== undefined ? 'source' : 'default',
      from: f.expr ?? f.source ?? '',
      default: f.default,
      required: f.required ?? false,
      valueMap: f.valueMap ?? '',
      overwrite: f.overwrite ?? true,
    })),
    maps: Object.entries(def.valueMaps ?? {}).map(([name, m]) => ({
      id: nextId(),
      name,
      rows: Object.entries(m.entries).map(([from, to]) => ({ id: nextId(), from, to })),
      fallback:
        !('fallback' in m) || m.fallback === undefined ? 'error' : m.fallback === null ? 'none' : 'value',
      fallbackValue: m.fallback ?? undefined,
    })),
  };
}

/** The definition the draft stands for, as the API takes it (the API checks it, not the page). */
export function definitionOf(draft: Draft): MappingDefinition {
  const fields: Record<string, FieldMapping> = {};
  for (const row of draft.fields) {
    const f: FieldMapping = {};
    if (row.origin === 'expr' && row.from !== '') f.expr = row.from;
    if (row.origin === 'source' && row.from !== '') f.source = row.from;
    if (row.default !== undefined && row.default !== '') f.default = row.default;
    if (row.required) f.required = true;
    if (row.valueMap !== '') f.valueMap = row.valueMap;
    if (!row.overwrite) f.overwrite = false;
    fields[row.target] = f;
  }
  const def: MappingDefinition = { fields };
  if (draft.maps.length > 0)
    def.valueMaps = Object.fromEntries(
      draft.maps.map((m) => {
        const entries = Object.fromEntries(m.rows.map((r) => [r.from, r.to]));
        if (m.fallback === 'error') return [m.name, { entries }];
        return [m.name, { entries, fallback: m.fallback === 'none' ? null : (m.fallbackValue ?? '') }];
      }),
    );
  return def;
}

export function emptyFieldRow(): FieldRow {
  return {
    id: nextId(),
    target: '',
    origin: 'source',
    from: '',
    default: undefined,
    required: false,
    valueMap: '',
    overwrite: true,
  };
}
