/**
 * Writes src/connectors/exact-online/entities.generated.ts from the Exact sandbox's entity catalog,
 * so the field lists live in one place. Product code may not import the sandbox; it imports the
 * generated file instead. The catalog is first checked against Exact's published field lists
 * (scripts/exact-field-lists, scripts/exact-reference.ts): a catalog that differs is refused, and
 * every generated type names the sources of its list. Run: `npm run gen:exact`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as prettier from 'prettier';
import { entityCatalog } from '../src/sandboxes/exact-online/entities/entity-catalog.js';
import type { EntityDescriptor } from '../src/sandboxes/exact-online/entities/entity-descriptor.js';
import type { FieldList, FieldSpec } from '../src/sandboxes/exact-online/entities/field-list.js';
import type { ScalarType } from '../src/sandboxes/exact-online/entities/field-types.js';
import type { ReferenceList } from './exact-reference.js';
import { checkSandboxFieldLists, describeProblems, loadReferenceLists } from './exact-reference.js';

export const generatedPath = fileURLToPath(
  new URL('../src/connectors/exact-online/entities.generated.ts', import.meta.url),
);

function tsType(type: ScalarType): string {
  switch (type) {
    case 'Guid':
    case 'String':
    case 'Binary':
      return 'string';
    case 'Int16':
    case 'Int32':
    case 'Byte':
    case 'Double':
      return 'number';
    case 'Int64':
      return 'ExactInt64';
    case 'Boolean':
      return 'boolean';
    case 'DateTime':
      return 'ExactDateText';
  }
}

/** One row type: an entity or a child collection. */
interface Shape {
  typeName: string;
  path: string;
  key: string;
  fields: FieldList;
  /** Child collections with a descriptor: name → typeName. */
  children: Record<string, string>;
  /** Whether this is a child embedded in a parent's POST (its parent key is filled by Exact). */
  parentKey?: string;
}

function shapesOf(catalog: readonly EntityDescriptor[]): Shape[] {
  const shapes: Shape[] = [];
  for (const e of catalog) {
    const children: Record<string, string> = {};
    for (const [name, child] of Object.entries(e.children ?? {})) {
      children[name] = child.typeName;
      shapes.push({
        typeName: child.typeName,
        path: child.path,
        key: child.key,
        fields: child.fields,
        children: {},
        parentKey: child.parentKey,
      });
    }
    shapes.push({ typeName: e.typeName, path: e.path, key: e.key, fields: e.fields, children });
  }
  return shapes;
}

const pascal = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * Interface names: the last segment of the type name (`Account`), unless two different shapes
 * share it; then every one of them is named after its path (`SyncCrmAccounts`), so adding an
 * endpoint never renames an unrelated one.
 */
function nameShapes(shapes: Shape[]): Map<string, string> {
  const signature = (s: Shape) => JSON.stringify([s.fields.scalars, [...s.fields.collections], s.children]);
  const byShort = new Map<string, Set<string>>();
  for (const s of shapes) {
    const short = s.typeName.split('.').pop() ?? s.typeName;
    byShort.set(short, (byShort.get(short) ?? new Set()).add(`${s.typeName}|${signature(s)}`));
  }
  const names = new Map<string, string>();
  for (const s of shapes) {
    const short = s.typeName.split('.').pop() ?? s.typeName;
    const unique = (byShort.get(short)?.size ?? 0) === 1;
    names.set(s.path, unique ? short : s.path.split('/').map(pascal).join(''));
  }
  return names;
}

function property(name: string, type: string, optional: boolean): string {
  return `  ${name}${optional ? '?' : ''}: ${type};`;
}

const shortSource: Record<string, string> = {
  'exact-2022': "Exact's REST reference of March 2022",
  'picqer-2025': "picqer's models of Dec 2025",
  'leapforce-2024': "leapforce's Go structs of 2024",
};

/** Where a shape's field list comes from, as a JSDoc paragraph. */
function provenance(path: string, references: ReadonlyMap<string, ReferenceList>): string[] {
  const list = references.get(path);
  if (!list) return [" * Field list: the sandbox's own; scripts/exact-field-lists has none for it."];
  const file = `scripts/exact-field-lists/${path.replaceAll('/', '.')}.json`;
  const sources = Object.entries(list.sources)
    .filter(([, s]) => s.repository)
    .map(([id, s]) => `${shortSource[id] ?? id} (${s.repository} ${s.path} @ ${s.commit?.slice(0, 7)})`);
  const text = [
    `Field list checked against ${file}: ${sources.join('; ')}.`,
    ...(list.fields.some((f) => f.new) ? ['Fields marked "Since 2022" are in the later source only.'] : []),
  ].join(' ');
  return wrap(text, 96).map((line) => ` * ${line}`);
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line];
}

/** A property's doc comment from the reference: later fields and types read from PHP annotations. */
function fieldNote(path: string, name: string, references: ReadonlyMap<string, ReferenceList>): string[] {
  const field = references.get(path)?.fields.find((f) => f.name === name);
  const notes = [
    ...(field?.new ? ['Since 2022'] : []),
    ...(field?.typeUnconfirmed
      ? [`Edm type UNCONFIRMED (${/PHP \w+/.exec(field.typeFrom ?? '')?.[0] ?? 'PHP'} annotation only)`]
      : []),
  ];
  return notes.length ? [`  /** ${notes.join('; ')}. */`] : [];
}

function collectionType(s: Shape, name: string, names: Map<string, string>, byType: Map<string, Shape>) {
  const childType = s.children[name];
  const child = childType ? byType.get(`${s.path}|${childType}`) : undefined;
  return child ? names.get(child.path)! : 'ExactUntypedRow';
}

function renderShape(
  s: Shape,
  names: Map<string, string>,
  byType: Map<string, Shape>,
  references: ReadonlyMap<string, ReferenceList>,
): string {
  const name = names.get(s.path)!;
  const row = s.fields.scalars.flatMap((f) => [
    ...fieldNote(s.path, f.name, references),
    property(f.name, f.key ? tsType(f.type) : `${tsType(f.type)} | null`, false),
  ]);
  const collections = [...s.fields.collections.keys()];
  for (const c of collections)
    row.push(property(c, `ExactCollection<${collectionType(s, c, names, byType)}>`, true));
  const write = (which: 'post' | 'put') => {
    const fields = s.fields.scalars.filter((f: FieldSpec) => f[which]);
    const lines = fields.map((f) => {
      const required = which === 'post' && f.mandatory && f.name !== s.parentKey && !f.key;
      return property(f.name, f.key || required ? tsType(f.type) : `${tsType(f.type)} | null`, !required);
    });
    for (const [c, { mandatory }] of s.fields.collections) {
      const childName = collectionType(s, c, names, byType);
      const childWrite = childName === 'ExactUntypedRow' ? childName : `${childName}Create`;
      // Children are posted embedded; PUT on a parent does not replace its lines (reference 7).
      if (which === 'post') lines.push(property(c, `${childWrite}[]`, !mandatory));
    }
    return lines;
  };
  // An endpoint with nothing to write gets a type that accepts only an empty object.
  const shape = (typeName: string, lines: string[]) =>
    lines.length
      ? [`export interface ${typeName} {`, ...lines, '}']
      : [`export type ${typeName} = Record<string, never>;`];
  return [
    '/**',
    ` * \`${s.path}\` (\`${s.typeName}\`), key \`${s.key}\`.`,
    ...provenance(s.path, references),
    ' */',
    ...shape(name, row),
    '',
    `/** What a POST to \`${s.path}\` may carry; mandatory fields are required. */`,
    ...shape(`${name}Create`, write('post')),
    '',
    `/** What a PUT to \`${s.path}\` may change (PUT is partial, reference 7). */`,
    ...shape(`${name}Update`, write('put')),
    '',
  ].join('\n');
}

/** Import only the value types the interfaces use (lint refuses unused imports). */
function importLine(body: string): string {
  const used = ['ExactCollection', 'ExactDateText', 'ExactInt64'].filter((t) =>
    new RegExp(`\\b${t}\\b`).test(body),
  );
  return used.length ? `import type { ${used.join(', ')} } from './exact-values.js';` : '';
}

/** The generated module's text, prettier-formatted as the repository formats it. */
export async function renderExactEntities(
  catalog: readonly EntityDescriptor[] = entityCatalog,
  references: ReadonlyMap<string, ReferenceList> = loadReferenceLists(),
): Promise<string> {
  const shapes = shapesOf(catalog);
  const names = nameShapes(shapes);
  const byType = new Map<string, Shape>();
  for (const e of catalog)
    for (const child of Object.values(e.children ?? {})) {
      const s = shapes.find((x) => x.path === child.path && x.typeName === child.typeName)!;
      byType.set(`${e.path}|${child.typeName}`, s);
    }
  const seen = new Set<string>();
  const interfaces: string[] = [];
  for (const s of shapes) {
    const name = names.get(s.path)!;
    if (seen.has(name)) continue;
    seen.add(name);
    interfaces.push(renderShape(s, names, byType, references));
  }
  const sorted = [...catalog].sort((a, b) => a.path.localeCompare(b.path));
  const rowMap = sorted.map((e) => `  '${e.path}': ${names.get(e.path)};`);
  const createMap = sorted.map((e) => `  '${e.path}': ${names.get(e.path)}Create;`);
  const updateMap = sorted.map((e) => `  '${e.path}': ${names.get(e.path)}Update;`);
  const meta = sorted.map((e) => {
    const children = Object.fromEntries(
      Object.entries(e.children ?? {}).map(([n, c]) => [n, { path: c.path, key: c.key }]),
    );
    return `  '${e.path}': ${JSON.stringify({
      typeName: e.typeName,
      key: e.key,
      methods: e.methods,
      collections: [...e.fields.collections.keys()],
      children,
    })},`;
  });
  const text = [
    '// Generated by scripts/gen-exact-entities.ts from the Exact sandbox entity catalog, checked',
    "// against Exact's published field lists (scripts/exact-field-lists). Do not edit: change the",
    '// catalog and run `npm run gen:exact`.',
    importLine(interfaces.join('\n')),
    '',
    '/** A row of a collection no descriptor describes yet. */',
    'export type ExactUntypedRow = Record<string, unknown>;',
    '',
    ...interfaces,
    '/** Every endpoint Koppel knows, by path after the division: the row it reads. */',
    'export interface ExactEndpoints {',
    ...rowMap,
    '}',
    '',
    'export interface ExactCreates {',
    ...createMap,
    '}',
    '',
    'export interface ExactUpdates {',
    ...updateMap,
    '}',
    '',
    '/** Key, methods and child collections of every endpoint. */',
    'export const exactEndpoints = {',
    ...meta,
    '} as const;',
    '',
    'export type ExactPath = keyof typeof exactEndpoints & keyof ExactEndpoints;',
    '',
  ].join('\n');
  const options = await prettier.resolveConfig(generatedPath);
  return prettier.format(text, { ...options, filepath: generatedPath });
}

/** Whether the file on disk is what the catalog generates now. */
export async function generatedIsCurrent(): Promise<boolean> {
  return readFileSync(generatedPath, 'utf8') === (await renderExactEntities());
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const problems = describeProblems(checkSandboxFieldLists());
  if (problems) {
    console.error(`The sandbox catalog differs from Exact's field lists; nothing generated.\n${problems}`);
    process.exit(1);
  }
  writeFileSync(generatedPath, await renderExactEntities());
  console.log(`wrote ${path.relative(process.cwd(), generatedPath)}`);
}
