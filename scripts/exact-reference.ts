/**
 * Exact's published field lists for the endpoints Koppel uses (scripts/exact-field-lists/*.json,
 * format in its README), and the comparison of a field list with them. The sandbox's catalog is
 * checked against these lists by a unit test, and `npm run gen:exact` refuses to generate the
 * connector's types from a catalog that does not match.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isScalarType } from '../src/sandboxes/exact-online/entities/field-types.js';
import type { FieldListDeviations } from '../src/sandboxes/exact-online/field-reference/field-list-deviations.js';
import {
  fieldListDeviations,
  pendingFieldLists,
} from '../src/sandboxes/exact-online/field-reference/field-list-deviations.js';
import type { ServedFieldList } from '../src/sandboxes/exact-online/field-reference/served-field-lists.js';
import { servedFieldLists } from '../src/sandboxes/exact-online/field-reference/served-field-lists.js';

export const referenceDir = fileURLToPath(new URL('./exact-field-lists/', import.meta.url));

/** Where a list or a type came from: a repository file at a commit, or Koppel's own reference. */
export interface ReferenceSource {
  repository?: string;
  path?: string;
  commit?: string;
  date?: string;
  /** Exact 2022 scrape entries used for the types of an endpoint it does not list itself. */
  entries?: string[];
  document?: string;
  section?: string;
}

export interface ReferenceField {
  name: string;
  /** Edm type without `Edm.`, or the element type of a child collection. */
  type: string;
  collection?: boolean;
  key?: boolean;
  /** Writable on POST / PUT, for endpoints that take writes (absent: read-only). */
  post?: boolean;
  put?: boolean;
  /** Not in Exact's 2022 reference; its writability is not documented in the later source. */
  writable?: 'unknown';
  mandatory?: boolean;
  /** In Exact's documentation after 2022 only (the sandbox marks these `{new}`). */
  new?: string;
  /** Listed in 2022 but no longer in the named later source (mostly fields Exact calls obsolete). */
  absentIn?: string;
  obsolete?: boolean;
  /** "Only supported for header" on a line-level row. */
  headerOnly?: boolean;
  /** The document key all lines of one document share (InvoiceID, OrderID). */
  sameForAllLines?: boolean;
  /** Where the type came from when not from the list's own `typesFrom`. */
  typeFrom?: string;
  /** The type is read from a PHP annotation (int, string), which cannot tell Int16 from Int32 or Guid from String. */
  typeUnconfirmed?: boolean;
  hidden?: boolean;
  notes?: string[];
}

export interface ReferenceList {
  endpoint: string;
  methods: string[];
  /** The key Exact documents (sync endpoints list `Timestamp`); null for function endpoints. */
  key: string | null;
  documentation?: string;
  /** The source whose field set the list follows; later fields come from the others. */
  fieldsFrom: string;
  typesFrom: string;
  /** Whether mandatory flags are known (from appendix A's Ruby-client flags); else none is claimed. */
  mandatoryKnown: boolean;
  rows?: { level: 'line' | 'document'; rowKey: string; documentKey: string };
  sources: Record<string, ReferenceSource>;
  notes?: string[];
  fields: ReferenceField[];
}

/** Every reference list, by endpoint. */
export function loadReferenceLists(dir = referenceDir): Map<string, ReferenceList> {
  const lists = new Map<string, ReferenceList>();
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const list = JSON.parse(readFileSync(`${dir}${file}`, 'utf8')) as ReferenceList;
    if (`${list.endpoint.replaceAll('/', '.')}.json` !== file)
      throw new Error(`${file} describes ${list.endpoint}; name it after its endpoint`);
    lists.set(list.endpoint, list);
  }
  return lists;
}

function derivedView(shape: ServedFieldList): boolean {
  return /^(sync|bulk) view over /.test(shape.definedIn);
}

function flagsOf(f: { post?: boolean; put?: boolean }): string {
  return `${f.post ? 'P' : ''}${f.put ? 'U' : ''}` || 'read-only';
}

/**
 * The differences between what the sandbox serves and Exact's list, in words, minus the ones
 * `known` explains. An empty answer means the sandbox matches.
 */
export function compareWithReference(
  shape: ServedFieldList,
  reference: ReferenceList,
  known: FieldListDeviations = {},
): string[] {
  const problems: string[] = [];
  const byName = new Map(shape.fields.map((f) => [f.name, f]));
  const writes = reference.methods.some((m) => m === 'POST' || m === 'PUT');
  const sameMethods = [...shape.methods].sort().join(',') === [...reference.methods].sort().join(',');
  if (!sameMethods && !known.methods)
    problems.push(`methods ${shape.methods.join(' ')}, Exact documents ${reference.methods.join(' ')}`);
  if (reference.key !== null && shape.key !== reference.key)
    problems.push(`key ${shape.key ?? '(none)'}, Exact's is ${reference.key}`);
  const listed = new Set(reference.fields.map((f) => f.name));
  for (const ref of reference.fields) {
    if (known.missing?.[ref.name]) continue;
    if (ref.collection || !isScalarType(ref.type)) {
      if (!shape.collections.includes(ref.name) && !byName.has(ref.name))
        problems.push(`collection ${ref.name} missing`);
      continue;
    }
    const mine = byName.get(ref.name);
    if (!mine) {
      problems.push(`${ref.name}:${ref.type} missing`);
      continue;
    }
    if (mine.type !== ref.type) problems.push(`${ref.name} is ${mine.type}, Exact's is ${ref.type}`);
    // `{new}` is written in the sandbox's own lists; views inherit it from their source entity.
    if (!derivedView(shape) && Boolean(mine.new) !== Boolean(ref.new))
      problems.push(
        ref.new
          ? `${ref.name} is not marked {new} though Exact lists it only after 2022 (${ref.new})`
          : `${ref.name} is marked {new} though Exact's 2022 reference lists it`,
      );
    if (!writes || ref.writable === 'unknown' || known.flags?.[ref.name]) continue;
    if (flagsOf(mine) !== flagsOf(ref))
      problems.push(`${ref.name} is ${flagsOf(mine)}, Exact's is ${flagsOf(ref)}`);
    if (reference.mandatoryKnown && mine.mandatory !== Boolean(ref.mandatory))
      problems.push(
        `${ref.name} ${mine.mandatory ? 'is' : 'is not'} mandatory, Exact's ${ref.mandatory ? 'is' : 'is not'}`,
      );
  }
  for (const f of shape.fields)
    if (!listed.has(f.name) && !known.extra?.[f.name])
      problems.push(`${f.name}:${f.type} is not in Exact's list`);
  for (const c of shape.collections)
    if (!listed.has(c) && !known.extra?.[c]) problems.push(`collection ${c} is not in Exact's list`);
  for (const name of Object.keys(known.extra ?? {}))
    if (listed.has(name) || (!byName.has(name) && !shape.collections.includes(name)))
      problems.push(`deviation for extra field ${name} no longer applies`);
  for (const name of Object.keys(known.missing ?? {}))
    if (!listed.has(name) || byName.has(name))
      problems.push(`deviation for missing field ${name} no longer applies`);
  return problems;
}

/** The check of one endpoint: what differs, or why it is not compared yet. */
export interface EndpointCheck {
  endpoint: string;
  /** Set when the endpoint is not compared yet (pendingFieldLists). */
  pending?: string;
  problems: string[];
}

/**
 * Every reference list against what the sandbox serves, with the sandbox's known deviations, except
 * the endpoints still pending (pendingFieldLists).
 */
export function checkSandboxFieldLists(
  references: ReadonlyMap<string, ReferenceList> = loadReferenceLists(),
  lists: readonly ServedFieldList[] = servedFieldLists(),
): EndpointCheck[] {
  const served = new Map(lists.map((s) => [s.path, s]));
  const checks: EndpointCheck[] = [];
  for (const [endpoint, reference] of references) {
    const shape = served.get(endpoint);
    const pending = pendingFieldLists[endpoint];
    if (pending?.applies(shape)) {
      checks.push({ endpoint, pending: pending.reason, problems: [] });
      continue;
    }
    const problems = shape
      ? compareWithReference(shape, reference, fieldListDeviations[endpoint])
      : ['the sandbox serves no field list for it'];
    checks.push({ endpoint, problems });
  }
  for (const endpoint of served.keys())
    if (!references.has(endpoint))
      checks.push({
        endpoint,
        problems: ['the sandbox serves it but scripts/exact-field-lists has no list'],
      });
  return checks;
}

/** The failing checks as one message, one endpoint a paragraph. */
export function describeProblems(checks: readonly EndpointCheck[]): string {
  return checks
    .filter((c) => !c.pending && c.problems.length > 0)
    .map(
      (c) =>
        `${c.endpoint} differs from Exact's list (scripts/exact-field-lists):\n  ${c.problems.join('\n  ')}`,
    )
    .join('\n');
}
