import type { ExactClient } from '../../connectors/exact-online/exact-client.js';
import { lastCall, observeCalls, type ObservedCall } from '../../connectors/kit/observed-calls.js';
import type { Account } from '../../connectors/exact-online/entities.generated.js';
import { cmp, lit, or } from '../../connectors/exact-online/odata-query.js';
import { KoppelError, labelled } from '../../core/errors.js';
import { withoutPaths } from '../../engine/projection.js';
import type { FoundRecord, RequestSummary, TargetWriter, WriteResult } from '../../engine/types.js';
import { AccountIndex, accountSelect, contactSelect, type IndexedContact } from './account-index.js';
import type { CustomersSettings } from './settings.js';

/** The main contact of a company account: the debtor's attention-to person. */
export interface ContactFields {
  name: string;
  Email?: string | null;
  Phone?: string | null;
  Mobile?: string | null;
}

/** Exact account fields (appendix A) and, for a company, its main contact. */
export type AccountPayload = Record<string, unknown> & {
  contact?: ContactFields;
  /** How messages name the debtor (`Asperion debtor 1001 (Jansen BV, id 17)`); never sent. */
  about?: string;
};

/** Payload keys that are not account fields. */
const notAccountFields = new Set(['contact', 'about']);

/**
 * The natural key goes into the account's `CodeAtSupplier` as `[koppel:<debtor id>]`. It is one of
 * the fields Exact lets a GET on accounts filter on (reference 3.4, mandatory filtering), a free
 * text that Exact shows on the account card only and uses for nothing on a customer (it is the code
 * a *supplier* knows the company by). `Remarks` cannot be filtered on, `SearchCode` is the short
 * code people search with, and `Code` is the account number Exact hands out.
 */
export const naturalKeyField = 'CodeAtSupplier';
export const koppelMarker = (debtorId: string) => `[koppel:${debtorId}]`;
const markerPattern = /^\[koppel:([^[\]]+)\]$/;
const lookupChunk = 20;

type FoundAccount = Pick<Account, (typeof accountSelect)[number]>;

/**
 * Creates in one run (or debtors in one page read) before the writer reads every account and
 * contact once (`AccountIndex`) instead of one lookup per debtor: a first load of thousands of
 * debtors costs a few bulk calls, a steady run with a few new debtors a GET each (reading a whole
 * division for them would cost more).
 */
export const bulkMatchAfter = 50;

/** The payload without fields (and contact fields) that are null or empty text. */
function withoutEmpty(payload: AccountPayload): AccountPayload {
  const filled = (o: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => comparable(v) !== null));
  const out = filled(payload) as AccountPayload;
  if (payload.contact) out.contact = filled({ ...payload.contact }) as unknown as ContactFields;
  return out;
}

/** Text as Exact compares it (trimmed; empty is none); other values as they are. */
const comparable = (v: unknown) => (typeof v === 'string' ? v.trim() || null : (v ?? null));

/**
 * The fields of `body` whose value differs from what `current` holds; a field `current` was not
 * read with counts as different, so nothing is left out on a guess.
 */
export function differingFields(
  body: Record<string, unknown>,
  current: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(body)) {
    if (!(field in current)) out[field] = value;
    else {
      const a = comparable(value);
      const b = comparable(current[field]);
      const same =
        typeof a === 'string' && typeof b === 'string' && /^[0-9a-f-]{36}$/i.test(a)
          ? a.toLowerCase() === b.toLowerCase()
          : a === b;
      if (!same) out[field] = value;
    }
  }
  return out;
}

/** Fields an update never sends: Exact's unique Code (reference 7.1) and Koppel's key. */
const neverUpdated = ['Code', naturalKeyField];

/** The first name and the rest: `Anna de Vries` → `Anna`, `de Vries`; one word is a last name. */
export function splitName(name: string): { FirstName: string | null; LastName: string } {
  const words = name.trim().split(/\s+/);
  if (words.length === 1) return { FirstName: null, LastName: words[0]! };
  return { FirstName: words[0]!, LastName: words.slice(1).join(' ') };
}

function contactBody(contact: ContactFields): Record<string, unknown> {
  const { name, ...rest } = contact;
  const body: Record<string, unknown> = { ...splitName(name) };
  for (const [k, v] of Object.entries(rest)) if (v !== undefined) body[k] = v;
  return body;
}

/**
 * Writes accounts: before a create it looks for an account that already is this customer (by the
 * flow's match key) and links that one instead; a company gets its attention-to person as main
 * contact. Updates never re-send `Code` (reference 7.1: a PUT with Code can fail with 500).
 */
export function exactAccountWriter(
  exact: ExactClient,
  settings: CustomersSettings,
  defaultFields: readonly string[],
  createOnlyFields: ReadonlySet<string> = new Set(),
  /** The account fields the flow writes: read with a match, so a link writes only what differs. */
  writtenFields: readonly string[] = [],
): TargetWriter<AccountPayload> & { expect(records: number): void } {
  const updating = settings.update === 'createAndUpdate';
  const leftOnUpdate = new Set([...neverUpdated, ...(settings.defaultsOnUpdate ? [] : defaultFields)]);
  const select = [...new Set<string>([...accountSelect, ...writtenFields])];

  let creates = 0;
  let index: Promise<AccountIndex> | null = null;
  function loadIndex(): Promise<AccountIndex> {
    const loading = AccountIndex.load(exact, settings.matchBy, select);
    index = loading;
    loading.catch(() => {
      if (index === loading) index = null;
    });
    return loading;
  }
  /** The run's account index once it has created `bulkMatchAfter` accounts; null before. */
  function indexForCreates(): Promise<AccountIndex> | null {
    if (index === null && ++creates > bulkMatchAfter) return loadIndex();
    return index;
  }
  /** The index, when the run has one loaded (or loading); a failed load counts as none. */
  const loadedIndex = async () => (index ? await index.catch(() => null) : null);
  /** Keeps the index (when there is one, or once it has loaded) in line with a write of this run. */
  function indexed(write: (i: AccountIndex) => void): void {
    void index?.then(write, () => undefined);
  }

  async function findMatch(payload: AccountPayload): Promise<FoundAccount | null> {
    const loaded = indexForCreates();
    if (loaded) {
      const i = await loaded;
      const key = i.keyOf(payload as Record<string, string>);
      if (key === null) return null;
      // A message names the debtor (in front) rather than its e-mail, which is personal data.
      const what =
        settings.matchBy === 'email'
          ? 'account with that e-mail address'
          : `account with ${settings.matchBy} ${key}`;
      return i.match(key, what, exact.division);
    }
    const text = (field: string) => {
      const v = payload[field];
      return typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
    };
    // The match is read with the fields the flow writes, so linking it writes only what differs.
    const fields = select as unknown as readonly (typeof accountSelect)[number][];
    if (settings.matchBy === 'email') {
      const email = text('Email');
      return email === null ? null : exact.findAccountByEmail(email, fields);
    }
    if (settings.matchBy === 'code') {
      const code = text('Code');
      return code === null ? null : exact.findAccountByCode(code, fields);
    }
    const name = text('Name');
    if (name === null) return null;
    return exact.findUnique<Account, (typeof accountSelect)[number]>(
      'crm/Accounts',
      cmp<Account>('Name', 'eq', lit.string(name)),
      fields,
      `account named ${name}`,
    );
  }

  /**
   * PUTs the fields an update may write; with `current` (the account as read), only those that
   * differ, and nothing at all when none does. Whether a call was made.
   */
  async function putAccount(
    id: string,
    payload: AccountPayload,
    current?: Record<string, unknown>,
  ): Promise<boolean> {
    const all: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(payload))
      if (!notAccountFields.has(k) && !leftOnUpdate.has(k) && v !== undefined) all[k] = v;
    const body = current ? differingFields(all, current) : all;
    if (Object.keys(body).length === 0) return false;
    await exact.update('crm/Accounts', id, body);
    return true;
  }

  async function addMainContact(accountId: string, contact: ContactFields): Promise<string> {
    const body = { Account: accountId, ...contactBody(contact) };
    const created = await exact.create<{ ID: string }>('crm/Contacts', body);
    await exact.update('crm/Accounts', accountId, { MainContact: created.ID });
    indexed((i) => i.contactWritten(created.ID, body));
    return created.ID;
  }

  /**
   * A contact of the account with this person's name: one a create cut off between the contact and
   * the account's MainContact (a crash) left behind, to be made main instead of added again.
   */
  async function contactNamed(accountId: string, contact: ContactFields): Promise<string | null> {
    const { FirstName, LastName } = splitName(contact.name);
    const named = (row: IndexedContact) =>
      comparable(row.FirstName) === comparable(FirstName) &&
      comparable(row.LastName) === comparable(LastName);
    // The run's index already holds every contact: no call for it.
    const index = await loadedIndex();
    if (index) return index.contactsOf(accountId).find(named)?.ID ?? null;
    const filter = cmp('Account', 'eq', lit.guid(accountId));
    for await (const page of exact.pages<IndexedContact>('crm/Contacts', { filter, select: contactSelect }))
      for (const row of page) if (named(row)) return row.ID;
    return null;
  }

  /**
   * The company's main contact brought in line: changed when there is one (left alone when the
   * run's index shows it already holds these values), added when not, unless the account already
   * has a contact of this name, which becomes its main contact.
   */
  async function syncMainContact(
    accountId: string,
    mainContact: string | null,
    contact: ContactFields,
  ): Promise<string> {
    if (!mainContact) {
      const left = await contactNamed(accountId, contact);
      if (left === null) return addMainContact(accountId, contact);
      await exact.update('crm/Accounts', accountId, { MainContact: left });
      mainContact = left;
    }
    const body = contactBody(contact);
    const known: IndexedContact | undefined = (await loadedIndex())?.contact(mainContact);
    if (known && Object.keys(differingFields(body, known)).length === 0) return mainContact;
    await exact.update('crm/Contacts', mainContact, body);
    indexed((i) => i.contactWritten(mainContact, body));
    return mainContact;
  }

  async function readAccount(id: string): Promise<FoundAccount | null> {
    return exact.findUnique<Account, (typeof accountSelect)[number]>(
      'crm/Accounts',
      cmp<Account>('ID', 'eq', lit.guid(id)),
      accountSelect,
      `account ${id}`,
    );
  }

  /**
   * Creates of one match key (an e-mail, code or name) run one after the other, so two debtors of
   * one page with the same e-mail do not both find nothing and both create: the second finds the
   * first's account.
   */
  const queues = new Map<string, Promise<unknown>>();
  function oneAtATime<T>(key: string, work: () => Promise<T>): Promise<T> {
    const before = queues.get(key) ?? Promise.resolve();
    const running = before.then(work, work);
    const settled = running.catch(() => undefined);
    queues.set(key, settled);
    void settled.then(() => {
      if (queues.get(key) === settled) queues.delete(key);
    });
    return running;
  }

  function matchKey(payload: AccountPayload): string {
    const field = settings.matchBy === 'email' ? 'Email' : settings.matchBy === 'code' ? 'Code' : 'Name';
    return String(payload[field] ?? '')
      .trim()
      .toLowerCase();
  }

  async function create(payload: AccountPayload, naturalKey: string): Promise<WriteResult> {
    return oneAtATime(matchKey(payload), () => createOrLink(payload, naturalKey));
  }

  async function createOrLink(payload: AccountPayload, naturalKey: string): Promise<WriteResult> {
    const match = await findMatch(payload);
    if (match) {
      const owner = markerPattern.exec(match.CodeAtSupplier ?? '')?.[1];
      if (owner !== undefined && owner !== naturalKey)
        throw new KoppelError(
          `Exact account ${match.Code?.trim()} (${match.Name}) matches by ${settings.matchBy} but was created by Koppel for Asperion debtor id ${owner}; two debtors cannot share one account`,
          { code: 'customers.match_taken', kind: 'conflict' },
        );
      let request: RequestSummary | undefined;
      if (updating) {
        // What an update may overwrite, and the status: the account is Koppel's customer from now
        // on. Only what the account does not hold already is sent.
        // An account Koppel did not make may hold what Asperion lacks (a KvK number, a phone):
        // linking fills and corrects it, but never clears a field because the debtor has it empty.
        const linked = withoutEmpty(withoutPaths(payload, createOnlyFields));
        const { calls } = await observeCalls(() =>
          putAccount(
            match.ID,
            payload['Status'] === undefined ? linked : { ...linked, Status: payload['Status'] },
            match,
          ),
        );
        request = accountPut(calls);
        const contactId = linked.contact
          ? await syncMainContact(match.ID, match.MainContact, linked.contact)
          : match.MainContact;
        indexed((i) => i.changed(match.ID, { ...payload, MainContact: contactId }));
      }
      return {
        targetId: match.ID,
        ...(request ? { request } : {}),
        response: {
          linked: `existing account ${match.Code?.trim()} matched by ${settings.matchBy}`,
          updated: updating,
        },
      };
    }
    const { contact, about: _about, ...fields } = payload;
    if (settings.matchBy !== 'code') delete fields['Code'];
    const { result: row, calls } = await observeCalls(() =>
      exact.create<{ ID: string; Code: string; Name: string }>('crm/Accounts', fields),
    );
    let contactId: string | null = null;
    if (contact) {
      // Should the contact fail, a retry finds the account by its key and adds the contact then.
      unfinished.set(naturalKey, { accountId: row.ID, contact });
      contactId = await addMainContact(row.ID, contact);
      unfinished.delete(naturalKey);
    }
    indexed((i) =>
      i.put({
        ID: row.ID,
        Code: row.Code,
        Name: row.Name,
        Email: typeof fields['Email'] === 'string' ? fields['Email'] : null,
        CodeAtSupplier: typeof fields[naturalKeyField] === 'string' ? fields[naturalKeyField] : null,
        MainContact: contactId,
      }),
    );
    return {
      targetId: row.ID,
      request: answered(calls, 'POST', 'crm/Accounts', '/api/v1/{division}/crm/Accounts'),
      response: { ID: row.ID, Code: row.Code.trim(), Name: row.Name, MainContact: contactId },
    };
  }

  async function update(targetId: string, payload: Partial<AccountPayload>): Promise<WriteResult> {
    if (!updating)
      return {
        targetId,
        skipped: `changed in Asperion, not sent: this flow creates accounts only (settings.update createOnly)`,
      };
    // Never a clearing write: a field emptied in Asperion stays as Exact has it (Exact may hold what
    // Asperion never had, on an account that was linked rather than made by Koppel).
    const filled = withoutEmpty(payload as AccountPayload);
    const known = (await loadedIndex())?.get(targetId);
    const { calls } = await observeCalls(() => putAccount(targetId, filled, known));
    // Nothing that differs is sent: then there is no request to show.
    const request = accountPut(calls);
    indexed((i) => i.changed(targetId, filled));
    if (filled.contact) {
      const account = known ?? (await readAccount(targetId));
      if (!account)
        throw new KoppelError(`Exact account ${targetId} no longer exists`, {
          code: 'customers.account_gone',
          kind: 'not_found',
        });
      const contactId = await syncMainContact(targetId, account.MainContact, filled.contact);
      indexed((i) => i.changed(targetId, { MainContact: contactId }));
    }
    return { targetId, ...(request ? { request } : {}) };
  }

  /** Company accounts of this run whose main contact was not added yet (the create failed after the account). */
  const unfinished = new Map<string, { accountId: string; contact: ContactFields }>();

  /**
   * A found account whose create this run began: its contact is added now, before it is linked.
   * One an earlier process began (a crash) may lack its contact, if it was a company's: without a
   * main contact it is linked as incomplete, so it is sent again as an update (which adds the
   * contact) when the debtor is read again.
   */
  async function finish(key: string, found: FoundAccount): Promise<FoundRecord> {
    const pending = unfinished.get(key);
    if (pending && pending.accountId === found.ID) {
      await syncMainContact(found.ID, found.MainContact, pending.contact);
      unfinished.delete(key);
      return { targetId: found.ID, record: found };
    }
    return { targetId: found.ID, record: found, ...(found.MainContact ? {} : { incomplete: true }) };
  }

  async function findByNaturalKey(key: string): Promise<FoundRecord | null> {
    const found = await exact.findUnique<Account, (typeof accountSelect)[number]>(
      'crm/Accounts',
      cmp<Account>(naturalKeyField, 'eq', lit.string(koppelMarker(key))),
      accountSelect,
      `account ${koppelMarker(key)}`,
    );
    return found ? finish(key, found) : null;
  }

  /**
   * Many keys, 20 per call (`CodeAtSupplier eq … or …`, a filterable field, reference 3.4). The
   * listing is complete for the keys asked, so a key not in the answer has no account.
   */
  async function findByNaturalKeys(keys: readonly string[]): Promise<Map<string, FoundRecord>> {
    const out = new Map<string, FoundRecord>();
    for (let i = 0; i < keys.length; i += lookupChunk) {
      const chunk = keys.slice(i, i + lookupChunk);
      const filter = or(...chunk.map((k) => cmp(naturalKeyField, 'eq', lit.string(koppelMarker(k)))));
      for await (const page of exact.pages<FoundAccount>('crm/Accounts', { filter, select: accountSelect })) {
        for (const row of page) {
          const key = markerPattern.exec(row.CodeAtSupplier ?? '')?.[1];
          if (key === undefined) continue;
          if (out.has(key))
            throw new KoppelError(`More than one Exact account carries ${koppelMarker(key)}`, {
              code: 'exact.ambiguous_match',
              kind: 'conflict',
            });
          out.set(key, await finish(key, row));
        }
      }
    }
    return out;
  }

  return {
    /** The source read `records` debtors at once: that many lookups cost more than reading the division. */
    expect(records) {
      if (index === null && records >= bulkMatchAfter) void loadIndex().catch(() => undefined);
    },
    create: (payload, key) => named(payload, () => create(payload, key)),
    update: (id, payload) => named(payload, () => update(id, payload)),
    findByNaturalKey,
    findByNaturalKeys,
  };
}

/** The account PUT among `calls` as Exact answered it; undefined when none was made. */
function accountPut(calls: readonly ObservedCall[]): RequestSummary | undefined {
  const put = lastCall(calls, 'PUT', 'crm/Accounts(');
  return put && { method: put.method, url: '/api/v1/{division}/crm/Accounts({id})', status: put.status };
}

/** The call to `pathPart` among `calls` as it was answered (`url` is how the log names it). */
function answered(
  calls: readonly ObservedCall[],
  method: string,
  pathPart: string,
  url: string,
): RequestSummary {
  const call = lastCall(calls, method, pathPart);
  return { method, url, ...(call ? { status: call.status } : {}) };
}

/** Exact's refusals name fields, not debtors: the debtor goes in front. */
function named<T>(payload: Partial<AccountPayload>, work: () => Promise<T>): Promise<T> {
  return labelled(payload.about ?? `Account "${String(payload['Name'] ?? '?')}"`, work);
}
