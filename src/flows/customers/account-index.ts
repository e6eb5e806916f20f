import type { ExactClient } from '../../connectors/exact-online/exact-client.js';
import { KoppelError } from '../../core/errors.js';
import type { AccountMatchKey } from './settings.js';

/** The account fields a match needs. */
export const accountSelect = ['ID', 'Code', 'Name', 'Email', 'CodeAtSupplier', 'MainContact'] as const;
export interface IndexedAccount {
  ID: string;
  Code: string | null;
  Name: string | null;
  Email: string | null;
  CodeAtSupplier: string | null;
  MainContact: string | null;
  /** The other fields read (those the flow writes), to leave out of a PUT what already holds. */
  [field: string]: unknown;
}

/** The contact fields the flow writes, read to leave a main contact alone when it already holds them. */
export const contactSelect = ['ID', 'Account', 'FirstName', 'LastName', 'Email', 'Phone', 'Mobile'] as const;
export type IndexedContact = Record<(typeof contactSelect)[number], string | null>;

/**
 * Every account of the division by its match key, read once through `bulk/CRM/Accounts` (1,000 a
 * call, reference 5.3) for a run that creates many accounts (a first load), instead of one GET per
 * debtor. Kept current with what the run itself writes. Values are compared as Exact's `eq` filter
 * compares them: trimmed text, codes without their padding, and without regard to case (Exact's
 * database collation ignores it, so `verkoop@…` and `Verkoop@…` are one customer's e-mail and a
 * lookup by filter finds either).
 */
export class AccountIndex {
  private readonly byKey = new Map<string, IndexedAccount[]>();
  private readonly byId = new Map<string, IndexedAccount>();
  private readonly contacts = new Map<string, IndexedContact>();

  private constructor(private readonly matchBy: AccountMatchKey) {}

  /**
   * Every account with `select` (the match fields and those the flow writes) and every contact
   * with the fields the flow writes, 1,000 a call each.
   */
  static async load(
    exact: ExactClient,
    matchBy: AccountMatchKey,
    select: readonly string[] = accountSelect,
  ): Promise<AccountIndex> {
    const index = new AccountIndex(matchBy);
    for await (const page of exact.bulkRows<IndexedAccount>('bulk/CRM/Accounts', { select }))
      for (const row of page) index.put(row);
    for await (const page of exact.bulkRows<IndexedContact>('bulk/CRM/Contacts', { select: contactSelect }))
      for (const row of page) index.contacts.set(row.ID!, row);
    return index;
  }

  contact(id: string): IndexedContact | undefined {
    return this.contacts.get(id);
  }

  /** The contacts of one account (a scan: only asked for an account without a main contact). */
  contactsOf(accountId: string): IndexedContact[] {
    const wanted = accountId.toLowerCase();
    return [...this.contacts.values()].filter((c) => c.Account?.toLowerCase() === wanted);
  }

  /** A contact as this run wrote it. */
  contactWritten(id: string, fields: Record<string, unknown>): void {
    const next: IndexedContact = { ...(this.contacts.get(id) ?? {}) } as IndexedContact;
    for (const field of contactSelect)
      if (field in fields) next[field] = (fields[field] as string | null) ?? null;
    next.ID = id;
    this.contacts.set(id, next);
  }

  keyOf(row: Partial<IndexedAccount>): string | null {
    const value = this.matchBy === 'email' ? row.Email : this.matchBy === 'code' ? row.Code : row.Name;
    const text = typeof value === 'string' ? value.trim().toLowerCase() : '';
    return text === '' ? null : text;
  }

  put(row: IndexedAccount): void {
    this.remove(row.ID);
    this.byId.set(row.ID, row);
    const key = this.keyOf(row);
    if (key === null) return;
    this.byKey.set(key, [...(this.byKey.get(key) ?? []), row]);
  }

  /** The account after this run wrote `fields` into it (its match key may have changed). */
  changed(id: string, fields: Record<string, unknown>): void {
    const current = this.byId.get(id);
    if (!current) return;
    const next: IndexedAccount = { ...current };
    for (const [field, value] of Object.entries(fields))
      if (field !== 'contact' && field !== 'about' && value !== undefined) next[field] = value;
    this.put(next);
  }

  /** The one account with this key, null when none; two are a conflict, as a filtered GET would say. */
  match(key: string, what: string, division: number): IndexedAccount | null {
    const rows = this.byKey.get(key.trim().toLowerCase()) ?? [];
    if (rows.length > 1)
      throw new KoppelError(`More than one ${what} in Exact division ${division}`, {
        code: 'exact.ambiguous_match',
        kind: 'conflict',
      });
    return rows[0] ?? null;
  }

  get(id: string): IndexedAccount | undefined {
    return this.byId.get(id);
  }

  private remove(id: string): void {
    const old = this.byId.get(id);
    if (!old) return;
    this.byId.delete(id);
    const key = this.keyOf(old);
    if (key === null) return;
    const kept = (this.byKey.get(key) ?? []).filter((r) => r.ID !== id);
    if (kept.length === 0) this.byKey.delete(key);
    else this.byKey.set(key, kept);
  }
}
