/**
 * An installation setting's value as form fields and back. The API gives each setting's value in
 * effect and its default, not a schema; the shape of the default is the form: numbers, switches,
 * lists of names, and groups of those.
 */
export type Leaf = number | boolean | string[];
export type Draft = Record<string, string | boolean>;

export interface FieldSpec {
  /** The dotted path the API names a problem with ("retention.payloadDays"). */
  path: string;
  /** The last name of the path; the label's key in the texts. */
  name: string;
  kind: 'number' | 'boolean' | 'list';
  /** The group's name when the field is inside one ("autoRetry"). */
  group: string | null;
  defaultValue: Leaf | undefined;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every field of a setting, in the order of its default. */
export function fieldsOf(key: string, defaults: unknown): FieldSpec[] {
  const walk = (value: unknown, path: string, name: string, group: string | null): FieldSpec[] => {
    if (isRecord(value))
      return Object.entries(value).flatMap(([k, v]) =>
        walk(v, `${path}.${k}`, k, path === key ? null : name),
      );
    const kind = typeof value === 'boolean' ? 'boolean' : Array.isArray(value) ? 'list' : 'number';
    return [{ path, name, kind, group, defaultValue: value as Leaf }];
  };
  return walk(defaults, key, key, null);
}

const at = (value: unknown, path: string): unknown =>
  path
    .split('.')
    .slice(1)
    .reduce<unknown>((v, k) => (isRecord(v) ? v[k] : undefined), value);

/** The form's fields filled with the value in effect. */
export function draftOf(fields: FieldSpec[], effective: unknown): Draft {
  const draft: Draft = {};
  for (const f of fields) {
    const v = at(effective, f.path) ?? f.defaultValue;
    draft[f.path] =
      f.kind === 'boolean'
        ? v === true
        : f.kind === 'list'
          ? ((v as string[]) ?? []).join('\n')
          : String(v ?? '');
  }
  return draft;
}

/** The value to store: an emptied number is left out, so its default applies. */
export function valueOf(fields: FieldSpec[], draft: Draft): unknown {
  const put = (into: Record<string, unknown>, parts: string[], v: unknown) => {
    const [head, ...rest] = parts as [string, ...string[]];
    if (rest.length === 0) into[head] = v;
    else put((into[head] ??= {}) as Record<string, unknown>, rest, v);
  };
  const root: Record<string, unknown> = {};
  for (const f of fields) {
    const d = draft[f.path];
    if (f.kind === 'boolean') put(root, f.path.split('.'), d === true);
    else if (f.kind === 'list')
      put(
        root,
        f.path.split('.'),
        String(d ?? '')
          .split('\n')
          .map((l) => l.trim())
          .filter(Boolean),
      );
    else if (String(d ?? '').trim() !== '') put(root, f.path.split('.'), Number(d));
  }
  return Object.values(root)[0] ?? {};
}

/** A value in words for a person: "30", "yes", "iban, email". */
export function shown(v: unknown, words: { yes: string; no: string; none: string }): string {
  if (typeof v === 'boolean') return v ? words.yes : words.no;
  if (Array.isArray(v)) return v.length === 0 ? words.none : v.join(', ');
  return v === undefined || v === null ? words.none : String(v);
}
