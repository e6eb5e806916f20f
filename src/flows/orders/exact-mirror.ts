import type { ExactClient, ExactRow } from '../../connectors/exact-online/exact-client.js';
import type { SyncRow } from '../../connectors/exact-online/exact-sync.js';
import type { PairMemory } from '../../engine/types.js';
import { accountFields, contactFields } from './exact-order-fields.js';

/** What the flow keeps of an Exact account across runs: the selected fields and its contact's name. */
export interface MirroredAccount {
  /** The account's fields as Exact gave them (`accountFields`). */
  row: ExactRow;
  /** The main contact's full name; `undefined` until read (a new or changed account). */
  contactName?: string | null;
}

/** One of Exact's shipping methods (`sales/ShippingMethods`). */
export interface ShippingMethodRow {
  ID: string;
  Code: string | null;
  Description: string | null;
}

export const memoryNamespaces = {
  accounts: 'exact.accounts',
  accountsCheckpoint: 'exact.accounts.checkpoint',
  shippingMethods: 'exact.shippingMethods',
} as const;

export interface MirrorOptions {
  /** The pair's memory (facts read from Exact; a dry run reads it and keeps what it read to itself). */
  memory: PairMemory;
  /**
   * Prefix of every key: the Exact connection and division the facts come from, so a pair whose
   * connection or division changes never reads another administration's accounts.
   */
  scope: string;
  chunkSize: number;
  /** How old the stored shipping methods may be before they are read again. */
  shippingMethodsRefreshMinutes: number;
  now: () => Date;
}

/**
 * What the orders flow needs of Exact besides the documents, kept in the pair's memory across runs
 * so that a run with one order for a known customer costs one call besides the documents:
 * `sync/CRM/Accounts` since the stored checkpoint, once a run, which updates the accounts held.
 * Accounts not held are read by id (`bulk/CRM/Accounts`), and the main contact's name of a new or
 * changed account (`bulk/CRM/Contacts`). The shipping methods list is read once per
 * `shippingMethodsRefreshMinutes`, or again when a document names a method it lacks.
 */
export class ExactMirror {
  private refreshed = false;
  /** The accounts handed out or read in this run. */
  private readonly accounts = new Map<string, MirroredAccount>();
  private methods: Map<string, ShippingMethodRow> | undefined;
  private methodsReadThisRun = false;

  constructor(
    private readonly client: ExactClient,
    private readonly options: MirrorOptions,
  ) {}

  /** The accounts of `ids` Exact has, each with its contact's name. */
  async accountsOf(ids: readonly unknown[]): Promise<Map<string, MirroredAccount>> {
    const wanted = [...new Set(ids.filter((id): id is string => typeof id === 'string' && id !== ''))];
    if (wanted.length === 0) return new Map();
    const { memory } = this.options;
    if (!this.refreshed) await this.refresh(wanted);
    const unknown = wanted.filter((id) => !this.accounts.has(id));
    if (unknown.length > 0) {
      const stored = await memory.get<MirroredAccount>(memoryNamespaces.accounts, unknown.map(this.key));
      for (const id of unknown) {
        const entry = stored.get(this.key(id));
        // An entry stored before the flow selected more fields is read again rather than used.
        if (entry && accountFields.every((f) => f in entry.value.row)) this.accounts.set(id, entry.value);
      }
    }
    const changed = new Set<string>();
    const missing = wanted.filter((id) => !this.accounts.has(id));
    if (missing.length > 0)
      for (const row of await this.client.bulkRowsByIds(
        'bulk/CRM/Accounts',
        accountFields,
        'ID',
        missing,
        this.options.chunkSize,
      )) {
        this.accounts.set(String(row['ID']), { row: withoutMetadata(row) });
        changed.add(String(row['ID']));
      }
    const contactless = wanted.filter((id) => {
      const account = this.accounts.get(id);
      return account !== undefined && account.contactName === undefined;
    });
    await this.readContacts(contactless);
    for (const id of contactless) changed.add(id);
    await this.save([...changed]);
    const found = new Map<string, MirroredAccount>();
    for (const id of wanted) {
      const account = this.accounts.get(id);
      if (account) found.set(id, account);
    }
    return found;
  }

  /** The shipping methods of `ids`; a Guid Exact does not list stays a method without code. */
  async shippingMethodsOf(ids: readonly unknown[]): Promise<Map<string, ShippingMethodRow>> {
    const wanted = [...new Set(ids.filter((id): id is string => typeof id === 'string' && id !== ''))];
    if (wanted.length === 0) return new Map();
    if (!this.methods) {
      const { memory, scope, shippingMethodsRefreshMinutes, now } = this.options;
      const stored = (await memory.get<ShippingMethodRow[]>(memoryNamespaces.shippingMethods, [scope])).get(
        scope,
      );
      const ageMs = stored ? now().getTime() - Date.parse(stored.updatedAt) : Infinity;
      if (stored && ageMs < shippingMethodsRefreshMinutes * 60_000)
        this.methods = new Map(stored.value.map((m) => [m.ID, m]));
      else await this.readShippingMethods();
    }
    // A method added in Exact since the list was stored: read it again, once a run.
    if (wanted.some((id) => !this.methods!.has(id)) && !this.methodsReadThisRun)
      await this.readShippingMethods();
    const known = this.methods!;
    return new Map(wanted.map((id) => [id, known.get(id) ?? { ID: id, Code: null, Description: null }]));
  }

  private async readShippingMethods(): Promise<void> {
    const methods: ShippingMethodRow[] = [];
    for await (const page of this.client.pages('sales/ShippingMethods', {
      select: ['ID', 'Code', 'Description'],
    }))
      for (const m of page)
        methods.push({
          ID: String(m['ID']),
          Code: textOrNull(m['Code']),
          Description: textOrNull(m['Description']),
        });
    this.methods = new Map(methods.map((m) => [m.ID, m]));
    this.methodsReadThisRun = true;
    await this.options.memory.set(memoryNamespaces.shippingMethods, [[this.options.scope, methods]]);
  }

  /**
   * Accounts changed in Exact since the stored checkpoint: those held (or wanted by the first
   * documents of this run) are stored again, their contact to be read when next needed. The
   * checkpoint is saved after each page's accounts, so a crash reads at most that page again.
   * The first run reads the whole feed once, which gives the checkpoint.
   */
  private async refresh(wanted: readonly string[]): Promise<void> {
    const { memory, scope } = this.options;
    const stored = (await memory.get<string>(memoryNamespaces.accountsCheckpoint, [scope])).get(scope);
    let checkpoint = stored?.value ?? null;
    const wantedNow = new Set(wanted);
    for await (const page of this.client.syncRows<SyncRow & ExactRow>('sync/CRM/Accounts', {
      select: accountFields,
      checkpoint,
    })) {
      if (page.rows.length > 0) {
        const ids = page.rows.map((r) => String(r['ID']));
        const held = await memory.get<MirroredAccount>(memoryNamespaces.accounts, ids.map(this.key));
        const entries: Array<readonly [string, MirroredAccount]> = [];
        for (const row of page.rows) {
          const id = String(row['ID']);
          if (!held.has(this.key(id)) && !wantedNow.has(id)) continue;
          const { Timestamp: _, ...fields } = withoutMetadata(row);
          const account: MirroredAccount = { row: fields };
          this.accounts.set(id, account);
          entries.push([this.key(id), account]);
        }
        if (entries.length > 0) await memory.set(memoryNamespaces.accounts, entries);
      }
      if (page.checkpoint !== checkpoint) {
        checkpoint = page.checkpoint;
        await memory.set(memoryNamespaces.accountsCheckpoint, [[scope, checkpoint]]);
      }
    }
    this.refreshed = true;
  }

  private async readContacts(accountIds: readonly string[]): Promise<void> {
    const contactOf = new Map<string, string>();
    for (const id of accountIds) {
      const main = this.accounts.get(id)?.row['MainContact'];
      if (typeof main === 'string' && main !== '') contactOf.set(id, main);
    }
    const names = new Map<string, string | null>();
    if (contactOf.size > 0)
      for (const contact of await this.client.bulkRowsByIds(
        'bulk/CRM/Contacts',
        contactFields,
        'ID',
        [...new Set(contactOf.values())],
        this.options.chunkSize,
      ))
        names.set(String(contact['ID']), textOrNull(contact['FullName']));
    for (const id of accountIds) {
      const account = this.accounts.get(id)!;
      const contact = contactOf.get(id);
      account.contactName = contact === undefined ? null : (names.get(contact) ?? null);
    }
  }

  private async save(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.options.memory.set(
      memoryNamespaces.accounts,
      ids.flatMap((id) => {
        const account = this.accounts.get(id);
        return account ? [[this.key(id), account] as const] : [];
      }),
    );
  }

  private readonly key = (id: string) => `${this.options.scope}/${id}`;
}

function withoutMetadata(row: ExactRow): ExactRow {
  const { __metadata: _, ...rest } = row;
  return rest;
}

const textOrNull = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
