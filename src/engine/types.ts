/**
 * Glossary
 * - pair: an Exact Online division paired with an Asperion administration; the unit of
 *   configuration, API budget and logs. An installation has any number of pairs.
 * - connection: one authorized account on one app (its settings and encrypted credentials),
 *   belonging to a pair. Its status: active; paused (its authorization was lost);
 *   needs_authorization (an OAuth app's connection before its first consent); needs_tenant
 *   (authorized, its division or administration not chosen yet). Flows run only on active ones.
 * - flow: one directional sync inside a pair (e.g. orders from Exact to Asperion): a flow kind,
 *   a source and a target connection, a schedule, settings and a mapping.
 * - run: one execution of a flow, from its cursor to the end of what the source has.
 * - record: one source record as handled in one run, with its timeline (snapshot → payload →
 *   request → response → diff → outcome).
 * - cursor: where the next incremental read of a flow starts; it moves only after every record of
 *   the page before it is durably handled.
 * - link: source record → target record, with the content hash of what was last sent, so an
 *   unchanged record costs no target call.
 * - write-ahead row: stored before a create, with the natural key also written into the target
 *   record, so an uncertain create is looked up before it is ever retried.
 * - dead letter: a record that could not be handled, kept with its source snapshot, mapping version
 *   and error until it is replayed.
 */
import type { ZodType } from 'zod';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logging.js';
import type { ConnectorContext } from '../connectors/kit/connector-context.js';
import type { AppDescriptor } from '../connectors/kit/app-descriptor.js';
import type { MappingDefinition } from '../mapping/types.js';
import type { ApiPriority } from '../connectors/kit/api-budget.js';
import type { ReconcileReader } from './reconcile-types.js';

export type SourceRecord = Record<string, unknown>;
export type TargetPayload = Record<string, unknown>;

export type { ConnectorContext } from '../connectors/kit/connector-context.js';
export type { AppDescriptor } from '../connectors/kit/app-descriptor.js';

export interface SourcePage<S extends SourceRecord = SourceRecord> {
  records: S[];
  /** The cursor to resume from once every record of this page is handled; null keeps the old one. */
  cursor: string | null;
}

/** Summary of one HTTP exchange for the activity log: never headers with tokens, never whole bodies. */
export interface RequestSummary {
  method: string;
  url: string;
  status?: number | undefined;
}

export interface WriteResult {
  targetId: string;
  /**
   * An update the writer chose not to send, and why (a flow that only creates): the record ends
   * skipped with this reason rather than updated, and its link keeps the hash last sent.
   */
  skipped?: string | undefined;
  request?: RequestSummary | undefined;
  /** The target's answer (stored in the timeline, subject to redaction and payload retention). */
  response?: unknown;
}

export interface FoundRecord {
  targetId: string;
  record?: unknown;
  /**
   * Found, but maybe not whole: a create of several calls (an account, then its contact) may have
   * been cut off between them. The record is linked and, when it is read again, sent as an update
   * instead of being taken as unchanged.
   */
  incomplete?: boolean;
}

export interface TargetWriter<T extends TargetPayload = TargetPayload> {
  /** Create; the payload already carries the natural key in the flow's reference field. */
  create(payload: T, naturalKey: string): Promise<WriteResult>;
  /** Update with only the fields that may be overwritten. */
  update(targetId: string, payload: Partial<T>): Promise<WriteResult>;
  /** Look up a record by the natural key written into it; null when there is none. */
  findByNaturalKey(naturalKey: string): Promise<FoundRecord | null>;
  /**
   * Optional: look up many natural keys at once (crash recovery), for records created at or after
   * `since` (Koppel's clock; the write-ahead row was stored before the create was sent). A key left
   * out of the map must not exist, exactly as `findByNaturalKey` would answer null: where a listing
   * cannot be sure of that, the target looks the rest up one by one itself.
   */
  findByNaturalKeys?(naturalKeys: readonly string[], since: Date): Promise<Map<string, FoundRecord>>;
  /** The target's current state, for field diffs; flows that must save API calls may omit it. */
  get?(targetId: string): Promise<unknown>;
}

export type FilterDecision = { send: true } | { send: false; reason: string };

/** A flow bound to its connections for one run. */
export interface FlowRuntime<S extends SourceRecord = SourceRecord, T extends TargetPayload = TargetPayload> {
  /** Pages from `cursor` (null: from the beginning), one at a time. */
  read(cursor: string | null): AsyncIterable<SourcePage<S>>;
  sourceId(record: S): string;
  /** Deterministic key for a create, written into the target record so it can be found again. */
  naturalKey(record: S): string;
  filter?(record: S): FilterDecision;
  /** How messages name a record (`Exact sales invoice 26700012 (InvoiceID …)`); else by its source id. */
  describe?(record: S): string;
  /**
   * What people look a record up by besides its label and ids: a customer's e-mail, an invoice
   * number, an article code. Stored (lower case) with the record for the activity log's search.
   */
  searchKeys?(record: S): Array<string | null | undefined>;
  /**
   * After mapping: enrich and resolve references (find the debtor, make sure articles exist).
   * `note` adds a step to the record's timeline (a choice the user should be able to see).
   */
  resolve?(payload: T, record: S, note: (step: string, detail: string) => void): Promise<T>;
  /**
   * The records as the source has them now, for the snapshots a replay "with the current version"
   * starts from, so a fix made in the source (an e-mail added to a customer) is what goes. A record
   * the source no longer has is left out of the answer. Without it, replays use the snapshots.
   */
  reread?(records: S[]): Promise<S[]>;
  /**
   * The records with these source ids as the source has them now; an id the source does not have
   * is left out. The ids are what the kind's webhook topics name (a delivery's key is the record's
   * source id): with it, a webhook that arrives while a backfill holds the cursor is sent within
   * seconds by a run of its own, instead of waiting for the backfill to read that far.
   */
  readByIds?(ids: readonly string[]): Promise<S[]>;
  /** Put the natural key into the payload's reference field. */
  withNaturalKey(payload: T, naturalKey: string): T;
  target: TargetWriter<T>;
}

/**
 * What a pair's flows remember across runs and flows, kept in the store per pair and namespace
 * (e.g. the Asperion debtor an Exact account became). Entries go with their pair.
 */
export interface PairMemory {
  /** Entries of `namespace` by key, with when each was written (ISO UTC). */
  get<T>(namespace: string, keys: readonly string[]): Promise<Map<string, { value: T; updatedAt: string }>>;
  /** Every entry of `namespace`, by key in key order. */
  list<T>(namespace: string): Promise<Map<string, { value: T; updatedAt: string }>>;
  set(namespace: string, entries: ReadonlyArray<readonly [key: string, value: unknown]>): Promise<void>;
  delete(namespace: string, keys: readonly string[]): Promise<void>;
}

/** Read-only: the links other flows of the pair made, by their flow kind (`customers`, `products`). */
export interface PairLinks {
  /** Source id → target id, for the source ids that have a link. */
  targetsOf(kind: string, sourceIds: readonly string[]): Promise<Map<string, string>>;
  /** Target id → source id, for the target ids that have a link. */
  sourcesOf(kind: string, targetIds: readonly string[]): Promise<Map<string, string>>;
}

export interface FlowRuntimeContext {
  flowId: string;
  pairId: string;
  settings: Record<string, unknown>;
  source: ConnectorContext;
  target: ConnectorContext;
  clock: Clock;
  logger: Logger;
  /** What the pair's flows remember across runs (a dry run may read it; it writes nothing there). */
  memory: PairMemory;
  /** The links the pair's flows made, to reuse what another flow already matched. */
  links: PairLinks;
  /**
   * A dry run (`koppel sync --dry-run`): `resolve` and the target writer may read the target to
   * look things up, but must write nothing. A flow that creates references while resolving (a
   * debtor, an article) must not create them here: it puts a placeholder such as
   * `(would create debtor 1234)` where the id goes, so the dry run's payload and diff report it.
   */
  dryRun?: boolean;
  /**
   * The mapping's fields marked `overwrite: false`, which an update leaves alone; for a target
   * writer that updates a record it did not create (an existing customer it matched).
   */
  createOnlyFields?: ReadonlySet<string>;
}

/** A source value without a mapping, where to add it, and what it probably maps to. */
export interface MissingMapping {
  domain: string;
  value: string;
  where: string;
  /** A likely target value and why (e.g. the Asperion VAT code with the same rate), or why none fits. */
  suggestion?: string;
  /** Listed for review only (e.g. a target code nothing maps to): `koppel check` does not fail on it. */
  informational?: boolean;
  /** The mapping's value map the answer belongs in (`vatCodes`), when a value map is where it is fixed. */
  valueMap?: string;
  /** The target value of the suggestion alone (the `suggestion` explains it), when there is one. */
  suggested?: string;
  /** The target's values to choose from (its VAT codes, payment conditions, …), when it has a list. */
  choices?: MappingChoice[];
}

/** One value of the target a source value can map to, as a person chooses it. */
export interface MappingChoice {
  value: string;
  label: string;
}

/** A kind of flow (orders, customers, …): declared once, instantiated per flow in a workspace. */
export interface FlowKind<S extends SourceRecord = SourceRecord, T extends TargetPayload = TargetPayload> {
  kind: string;
  title: string;
  sourceApp: string;
  targetApp: string;
  /** The entity name used in links and logs (e.g. `SalesOrder`). */
  entity: string;
  /** How urgent this kind's API calls are (orders: `live`); `normal` when absent. Backfills are `backfill`. */
  apiPriority?: ApiPriority;
  settingsSchema: ZodType<Record<string, unknown>>;
  defaultMapping: MappingDefinition;
  open(ctx: FlowRuntimeContext): FlowRuntime<S, T>;
  /**
   * The source app's webhook topics whose deliveries should start a run of a flow with these
   * (parsed) settings, e.g. Exact's `SalesInvoices`; none or absent: the flow runs on its schedule.
   */
  webhookTopics?(settings: Record<string, unknown>): string[];
  /**
   * A delivery's key on those topics is the source id of a record, which the runtime's `readByIds`
   * reads: while the flow's cursor is in a backfill, a webhook then sends its record in a run of
   * its own within seconds. Absent: a webhook asks for a run from the cursor.
   */
  webhookKeyIsSourceId?: boolean;
  /** Every source value without a mapping yet, read live from both sides (for `koppel check`). */
  checkMappings?(
    ctx: FlowRuntimeContext,
    /** The flow's active mapping (its value maps are what counts), the kind's default when it has none. */
    mapping: MappingDefinition,
  ): Promise<MissingMapping[]>;
  /** Both sides' documents of a period, for `koppel reconcile` (absent: the kind cannot reconcile). */
  reconcile?: ReconcileReader;
}

/** The flow kinds and apps an installation knows, wired in main.ts (and by tests). */
export interface FlowRegistry {
  kinds: ReadonlyMap<string, FlowKind>;
  /** App names connections may have, with the credential fields each one takes. */
  apps: ReadonlyMap<string, AppDescriptor>;
}
