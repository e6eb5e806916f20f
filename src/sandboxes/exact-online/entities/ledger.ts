import { createHash } from 'node:crypto';
import type { ExactSettings } from '../settings.js';
import type { DivisionData } from './entity-store.js';
import { createRecord, deleteRecord } from './entity-store.js';
import type { StoredRow, StoredValue } from './field-types.js';
import { transactionLinesEntity } from './transaction-lines.js';

/** A GUID derived from text, so rows derived from a record are as repeatable as the record. */
export function derivedGuid(text: string): string {
  const hex = createHash('sha1').update(text).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Entry numbers run per journal and financial year as `YY` + two-digit journal code + sequence
 * (26700001 is the first sales entry of 2026 in journal 70), as Exact numbers by default; the
 * reference does not describe the format. Kept as counters on the division's data (copied with it)
 * so numbering never scans rows.
 */
function prefixOf(journalCode: string, year: number): string {
  const journal = /^\d{1,2}$/.test(journalCode) ? journalCode.padStart(2, '0') : '00';
  return `${String(year % 100).padStart(2, '0')}${journal}`;
}

function countersOf(data: DivisionData): Map<string, number> {
  return data.entryCounters;
}

export function nextEntryNumber(data: DivisionData, journalCode: string, year: number): number {
  const prefix = prefixOf(journalCode, year);
  const map = countersOf(data);
  const sequence = (map.get(prefix) ?? 0) + 1;
  map.set(prefix, sequence);
  return Number(`${prefix}${String(sequence).padStart(4, '0')}`);
}

/** An entry number a client chose: later numbers of that journal and year go past it. */
export function noteEntryNumber(data: DivisionData, journalCode: string, year: number, n: number): void {
  const prefix = prefixOf(journalCode, year);
  const text = String(n);
  if (!text.startsWith(prefix) || text.length <= prefix.length) return;
  const map = countersOf(data);
  map.set(prefix, Math.max(map.get(prefix) ?? 0, Number(text.slice(prefix.length))));
}

/** Financial year and period of a wall-clock date: calendar years of 12 periods (Exact's default). */
export function financialPeriod(date: string): { year: number; period: number } {
  return { year: Number(date.slice(0, 4)), period: Number(date.slice(5, 7)) };
}

/** What all lines of one entry share. */
export interface EntryHeader {
  EntryID: string;
  EntryNumber: number;
  /** Wall-clock date of the entry. */
  Date: string;
  JournalCode: string;
  Type: number;
  Status: number;
  /** Further shared fields (Account, InvoiceNumber, DueDate, YourRef, …). */
  shared?: StoredRow;
}

/** Code and name companions of the line's GL account, account and item (read-only lookups). */
function addLookups(data: DivisionData, row: StoredRow): void {
  const gl = data.table('financial/GLAccounts').get(String(row['GLAccount']))?.row;
  row['GLAccountCode'] = gl?.['Code'] ?? null;
  row['GLAccountDescription'] = gl?.['Description'] ?? null;
  if (typeof row['Account'] === 'string') {
    const account = data.table('crm/Accounts').get(row['Account'])?.row;
    row['AccountCode'] = account?.['Code'] ?? null;
    row['AccountName'] = account?.['Name'] ?? null;
  }
  if (typeof row['Item'] === 'string') {
    const item = data.table('logistics/Items').get(row['Item'])?.row;
    row['ItemCode'] = item?.['Code'] ?? null;
    row['ItemDescription'] = item?.['Description'] ?? null;
  }
}

/**
 * Book one entry as transaction lines, through the store (row versions, sync, webhooks). Amounts
 * are in euros, so FC equals DC; the sign is debit (+) / credit (−). The caller has checked the
 * entry balances.
 */
export function bookEntry(
  data: DivisionData,
  header: EntryHeader,
  lines: StoredRow[],
  now: string,
  settings: ExactSettings,
): void {
  const { year, period } = financialPeriod(header.Date);
  let journalDescription: StoredValue = null;
  for (const { row } of data.table('financial/Journals').values())
    if (row['Code'] === header.JournalCode) journalDescription = row['Description'] ?? null;
  for (let index = 0; index < lines.length; index++) {
    const row: StoredRow = {};
    row['ID'] = derivedGuid(`${header.EntryID}:${index}`);
    row['EntryID'] = header.EntryID;
    row['EntryNumber'] = header.EntryNumber;
    row['LineNumber'] = index;
    row['Date'] = header.Date;
    row['FinancialYear'] = year;
    row['FinancialPeriod'] = period;
    row['JournalCode'] = header.JournalCode;
    row['JournalDescription'] = journalDescription;
    row['Type'] = header.Type;
    row['Status'] = header.Status;
    row['Currency'] = 'EUR';
    row['ExchangeRate'] = 1;
    if (header.shared) Object.assign(row, header.shared);
    Object.assign(row, lines[index]);
    row['AmountFC'] = row['AmountDC'] ?? 0;
    addLookups(data, row);
    createRecord(transactionLinesEntity, data, { row, children: {} }, now, settings);
  }
}

/** Whether an entry has been booked (its first line exists). */
export function isBooked(data: DivisionData, entryId: string): boolean {
  return data.table(transactionLinesEntity.path).has(derivedGuid(`${entryId}:0`));
}

/** Remove an entry's transaction lines (logged for sync/Deleted as EntityType 1). */
export function unbookEntry(data: DivisionData, entryId: string, now: string): void {
  const table = data.table(transactionLinesEntity.path);
  for (let index = 0; ; index++) {
    const record = table.get(derivedGuid(`${entryId}:${index}`));
    if (!record) return;
    deleteRecord(transactionLinesEntity, data, record, now);
  }
}
