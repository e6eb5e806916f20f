import type { ExactSettings } from '../settings.js';
import type { DivisionData, StoredRecord } from './entity-store.js';
import type { FieldList, FieldSpec } from './field-list.js';
import { parseFieldList } from './field-list.js';
import type { ScalarType, StoredRow } from './field-types.js';

export const entityMethods = ['GET', 'POST', 'PUT', 'DELETE'] as const;
export type EntityMethod = (typeof entityMethods)[number];

/** What a business rule sees while a row is written. */
export interface WriteContext {
  division: number;
  /** Amsterdam wall-clock now, for Created/Modified. */
  now: string;
  settings: ExactSettings;
  /** Rows of another entity in the same division (e.g. to check OrderedBy or number orders). */
  rowsOf(path: string): StoredRow[];
  /** Change a row of another entity as a side effect (stock after a count): Modified and row version follow. */
  update(path: string, key: string, patch: StoredRow): void;
  /** Create a row of another entity as a side effect, through its own rules; answers the stored row. */
  create(entity: EntityDescriptor, row: StoredRow): StoredRow;
  /** The embedded child rows of a stored record (e.g. the lines of a stock count). */
  childrenOf(path: string, key: string, name: string): StoredRow[];
  /** The division's tables, for keyed lookups and for writing derived rows through the store. */
  data: DivisionData;
  /** The first row of another entity whose field equals the value (a scan without copying). */
  findBy(path: string, field: string, value: unknown): StoredRow | undefined;
}

/** A child collection posted embedded and read with `$expand` (e.g. SalesOrderLines). */
export interface ChildDescriptor {
  typeName: string;
  /** The child's own endpoint path, for `__metadata.uri`. */
  path: string;
  key: string;
  /** The field on the child that points at its parent (e.g. OrderID). */
  parentKey: string;
  fields: FieldList;
  fieldTypes: ReadonlyMap<string, ScalarType>;
  /**
   * The lines also live in the table of `path` (the same row objects), each with its own row
   * version, so the lines endpoint and the line-level sync feeds read them (reference 5.1).
   */
  indexed?: boolean;
}

/** One `sync/Deleted` row a deletion leaves (reference 5.2, appendix B). */
export interface DeletionEntry {
  entityType: number;
  /** The key of the deleted row as the feed of that entity type has it. */
  entityKey: string;
}

/**
 * One endpoint as data: everything the generic store and the OData layer need. Adding an entity
 * means writing one of these; code goes only into `beforeCreate`/`beforeUpdate` for business rules.
 */
export interface EntityDescriptor {
  /** `service/Entity` after the division, e.g. `crm/Accounts` (matched case-insensitively, reference 5.3). */
  path: string;
  /** `__metadata.type`, e.g. `Exact.Web.Api.Models.Account`. */
  typeName: string;
  key: string;
  fields: FieldList;
  fieldTypes: ReadonlyMap<string, ScalarType>;
  methods: readonly EntityMethod[];
  /** 60 on normal endpoints, 1,000 on bulk and sync (reference 4.3). */
  pageSize: 60 | 1000;
  /** `$skip` only on endpoints released before March 2017 (reference 4.3). */
  skipAllowed: boolean;
  /** Mandatory filtering: a GET needs `$filter` on one of these (reference 3.4). */
  mandatoryFilterFields?: readonly string[];
  /** "Please add a $select or a $top=1 …" endpoints (reference 4.4). */
  requiresSelectOrTop?: boolean;
  /** Fields unique per division; a duplicate is a 500 business-rule error (reference 4.6). */
  uniqueFields?: readonly string[];
  children?: Readonly<Record<string, ChildDescriptor>>;
  /** `sync/Deleted` EntityType code (reference appendix B); the row's key is the EntityKey. */
  deletedEntityType?: number;
  /**
   * The `sync/Deleted` rows of a deletion, when one row keyed by the record's key is not enough
   * (documents whose lines are rows of line-level feeds); replaces `deletedEntityType`.
   */
  deletions?(record: StoredRecord, settings: ExactSettings): DeletionEntry[];
  /**
   * A POST that matches an existing row answers that row instead of creating one (crm/Addresses,
   * reference 7.3); returns the existing key.
   */
  findExisting?(row: StoredRow, ctx: WriteContext): string | undefined;
  /** Defaults and derived fields on POST; throws an ODataError for a broken business rule. */
  beforeCreate?(row: StoredRow, children: Record<string, StoredRow[]>, ctx: WriteContext): void;
  /** Checks on PUT with the changed fields only (PUT is partial, reference 7). */
  beforeUpdate?(row: StoredRow, patch: StoredRow, ctx: WriteContext): void;
  /** After the row is stored, e.g. to book derived rows (transaction lines) through the store. */
  afterCreate?(record: StoredRecord, ctx: WriteContext): void;
  /** After a PUT is applied, e.g. to recompute a parent from a changed line. */
  afterUpdate?(record: StoredRecord, ctx: WriteContext): void;
  /** Before a DELETE; throws an ODataError to refuse it (e.g. a processed invoice or stock count). */
  beforeDelete?(record: StoredRecord, ctx: WriteContext): void;
  /** After the row is removed, e.g. to delete the rows derived from it. */
  afterDelete?(record: StoredRecord, ctx: WriteContext): void;
}

type DescriptorInput = Omit<EntityDescriptor, 'fields' | 'fieldTypes' | 'children' | 'key'> & {
  fieldList: string;
  children?: Record<string, Omit<ChildDescriptor, 'fields' | 'fieldTypes' | 'key'> & { fieldList: string }>;
};

function typesOf(fields: FieldList): Map<string, ScalarType> {
  return new Map(fields.scalars.map((f: FieldSpec) => [f.name, f.type]));
}

function keyOf(fields: FieldList, path: string): string {
  const key = fields.scalars.find((f) => f.key);
  if (!key) throw new Error(`Entity ${path} has no key field`);
  return key.name;
}

/** Build a descriptor from the appendix-A field text. */
export function defineEntity(input: DescriptorInput): EntityDescriptor {
  const { fieldList, children, ...rest } = input;
  const fields = parseFieldList(fieldList);
  const built: EntityDescriptor = {
    ...rest,
    fields,
    fieldTypes: typesOf(fields),
    key: keyOf(fields, input.path),
  };
  if (children) {
    built.children = Object.fromEntries(
      Object.entries(children).map(([name, child]) => {
        const { fieldList: childList, ...childRest } = child;
        const childFields = parseFieldList(childList);
        const descriptor: ChildDescriptor = {
          ...childRest,
          fields: childFields,
          fieldTypes: typesOf(childFields),
          key: keyOf(childFields, child.path),
        };
        return [name, descriptor];
      }),
    );
  }
  return built;
}

/** The field lists of an entity's embedded child collections, by collection name. */
export function childFieldLists(entity: EntityDescriptor): Map<string, FieldList> {
  return new Map(Object.entries(entity.children ?? {}).map(([name, child]) => [name, child.fields]));
}
