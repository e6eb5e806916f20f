import { api, must, type Schemas } from '../../api/client';

type Missing = Schemas['MissingMapping'];

/** A missing value the person answers in a value map of the flow's mapping. */
export interface MappingChoice {
  flowId: string;
  mapName: string;
  missing: Missing;
  suggested: string;
}

/** The value map a missing value is answered in, when a value map is where it is fixed. */
export function mapNameOf(missing: Missing): string | undefined {
  return missing.valueMap;
}

/** The suggested target value, pre-selected; empty when the check has none. */
export function suggestedValueOf(missing: Missing): string {
  return missing.suggested ?? '';
}

/**
 * The answers written where the check looks: entries in the flow's value maps, published as a new
 * mapping version made from the active one (a number where the map holds numbers, as ids are).
 */
export async function saveChoices(
  flowId: string,
  answers: Array<{ mapName: string; value: string; target: string }>,
) {
  const active = await must(api.GET('/api/flows/{id}/mapping', { params: { path: { id: flowId } } }));
  const definition = structuredClone(active.definition) as Schemas['MappingVersion']['definition'];
  const maps = (definition.valueMaps ?? {}) as Record<string, { entries: Record<string, unknown> }>;
  for (const a of answers) {
    if (a.target.trim() === '') continue;
    const map = (maps[a.mapName] ??= { entries: {} });
    const numeric = Object.values(map.entries).some((v) => typeof v === 'number');
    map.entries[a.value] =
      numeric && /^\d+$/.test(a.target.trim()) ? Number(a.target.trim()) : a.target.trim();
  }
  definition.valueMaps = maps;
  return must(
    api.POST('/api/flows/{id}/mapping', {
      params: { path: { id: flowId } },
      body: { mapping: definition as Record<string, unknown>, baseVersion: active.version },
    }),
  );
}
