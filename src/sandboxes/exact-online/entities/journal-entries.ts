import { randomUUID } from 'node:crypto';
import { mandatoryError, unknownReferenceError } from './business-errors.js';
import type { WriteContext } from './entity-descriptor.js';
import { defineEntity } from './entity-descriptor.js';
import { multiplyDecimal, roundingOf, sumDecimal } from './exact-decimal.js';
import type { StoredRow } from './field-types.js';
import { unbalancedEntryError, vatNotAllowedError, wrongJournalError } from './finance-errors.js';
import { journalEntryFieldList, journalEntryLineFieldList } from './finance-fields.js';
import { byCode, byId, firstGlOfType } from './finance-lookups.js';
import { glAccountType } from './gl-accounts.js';
import { journalType } from './journals.js';
import type { EntryHeader } from './ledger.js';
import { bookEntry, financialPeriod, nextEntryNumber, noteEntryNumber, unbookEntry } from './ledger.js';
import { entryStatus, transactionType } from './transaction-lines.js';

/** The VAT line a VAT-coded line generates (reference 7.12): to pay on credits, to claim on debits. */
function vatLine(line: StoredRow, ctx: WriteContext): StoredRow | undefined {
  const amount = Number(line['AmountVATFC']);
  if (line['VATCode'] === null || amount === 0) return undefined;
  const vat = byCode(ctx, 'vat/VATCodes', line['VATCode']);
  const wanted = amount < 0 ? vat?.['GLToPay'] : vat?.['GLToClaim'];
  const gl = typeof wanted === 'string' ? wanted : firstGlOfType(ctx, glAccountType.vat);
  if (!gl) throw mandatoryError(ctx.settings, 'GLToPay');
  return {
    GLAccount: gl,
    AmountDC: amount,
    AmountVATBaseFC: line['AmountFC'] ?? null,
    VATCode: line['VATCode'] ?? null,
    VATPercentage: line['VATPercentage'] ?? null,
    Account: line['Account'] ?? null,
    Description: line['Description'] ?? null,
    Date: line['Date'] ?? null,
  };
}

function completeLine(
  line: StoredRow,
  entry: StoredRow,
  journal: StoredRow,
  index: number,
  ctx: WriteContext,
): void {
  if (typeof line['GLAccount'] !== 'string') throw mandatoryError(ctx.settings, 'GLAccount');
  const gl = byId(ctx, 'financial/GLAccounts', line['GLAccount']);
  if (!gl) throw unknownReferenceError(ctx.settings, 'GLAccount');
  const account = line['Account'] === null ? undefined : byId(ctx, 'crm/Accounts', line['Account']);
  if (line['Account'] !== null && !account) throw unknownReferenceError(ctx.settings, 'Account');
  line['ID'] ??= randomUUID();
  line['EntryID'] = entry['EntryID'] ?? null;
  line['LineNumber'] = index + 1;
  line['GLAccountCode'] = gl['Code'] ?? null;
  line['GLAccountDescription'] = gl['Description'] ?? null;
  line['AccountCode'] = account?.['Code'] ?? null;
  line['AccountName'] = account?.['Name'] ?? null;
  line['Date'] = `${String(line['Date'] ?? ctx.now).slice(0, 10)}T00:00:00.000`;
  // Euro only: AmountDC equals AmountFC; either may be posted (reference 7.12 field report).
  const mode = roundingOf(ctx.settings.amountRounding);
  const amount = sumDecimal([Number(line['AmountFC'] ?? line['AmountDC'] ?? 0)], 2, mode);
  line['AmountFC'] = amount;
  line['AmountDC'] = amount;
  if (line['VATCode'] !== null) {
    if (journal['AllowVAT'] !== true) throw vatNotAllowedError(ctx.settings, String(journal['Code']));
    const vat = byCode(ctx, 'vat/VATCodes', line['VATCode']);
    if (!vat) throw unknownReferenceError(ctx.settings, 'VATCode');
    line['VATPercentage'] = Number(vat['Percentage'] ?? 0);
    line['VATCodeDescription'] = vat['Description'] ?? null;
    line['AmountVATFC'] ??= multiplyDecimal(amount, Number(line['VATPercentage']), 2, mode);
    line['AmountVATFC'] = sumDecimal([Number(line['AmountVATFC'])], 2, mode);
    line['VATBaseAmountFC'] = amount;
    line['VATBaseAmountDC'] = amount;
  } else if (line['AmountVATFC'] !== null) {
    // AmountVATFC requires a VATCode (reference 7.12).
    throw mandatoryError(ctx.settings, 'VATCode');
  }
  line['AmountVATDC'] = line['AmountVATFC'];
  line['Division'] = ctx.division;
}

/**
 * The transaction lines an entry books: its lines plus the generated VAT lines. Refuses an entry
 * that does not balance to zero (the reference gives no text for it).
 */
function entryPlan(entry: StoredRow, lines: StoredRow[], ctx: WriteContext): EntryPlan {
  const generated = lines.map((line) => vatLine(line, ctx)).filter((l): l is StoredRow => l !== undefined);
  const all = [...lines, ...generated];
  if (sumDecimal(all.map((l) => Number(l['AmountDC']))) !== 0) throw unbalancedEntryError(ctx.settings);
  const first = String(lines[0]?.['Date']);
  // Reversal is read as "amounts reversed"; the reference only names the field (UNCONFIRMED).
  const sign = entry['Reversal'] === true ? -1 : 1;
  return {
    header: {
      EntryID: String(entry['EntryID']),
      EntryNumber: Number(entry['EntryNumber']),
      Date: first,
      JournalCode: String(entry['JournalCode']),
      Type: transactionType.other,
      Status: entryStatus.open,
    },
    lines: all.map((line, index) => ({
      GLAccount: line['GLAccount'] ?? null,
      AmountDC: sign * Number(line['AmountDC']),
      AmountVATFC:
        line['AmountVATFC'] === null || line['AmountVATFC'] === undefined
          ? null
          : sign * Number(line['AmountVATFC']),
      AmountVATBaseFC: line['AmountVATBaseFC'] ?? line['VATBaseAmountFC'] ?? null,
      Account: line['Account'] ?? null,
      Date: line['Date'] ?? first,
      Description: line['Description'] ?? null,
      VATCode: line['VATCode'] ?? null,
      VATPercentage: line['VATPercentage'] ?? null,
      Quantity: line['Quantity'] ?? null,
      CostCenter: line['CostCenter'] ?? null,
      CostUnit: line['CostUnit'] ?? null,
      Project: line['Project'] ?? null,
      Notes: line['Notes'] ?? null,
      LineNumber: index + 1,
    })),
  };
}

interface EntryPlan {
  header: EntryHeader;
  lines: StoredRow[];
}

const linesPath = 'generaljournalentry/GeneralJournalEntryLines';

/** What the entry books, stashed by beforeCreate and written by afterCreate. */
const pendingEntries = new WeakMap<StoredRow, EntryPlan>();

/**
 * generaljournalentry/GeneralJournalEntries with embedded lines (reference 7.12): GET POST DELETE,
 * no PUT. An entry goes to a general journal, must balance to zero and is booked at once as
 * transaction lines (status 20 open; processing is a UI step).
 */
export const journalEntriesEntity = defineEntity({
  path: 'generaljournalentry/GeneralJournalEntries',
  typeName: 'Exact.Web.Api.Models.GeneralJournalEntry',
  methods: ['GET', 'POST', 'DELETE'],
  pageSize: 60,
  skipAllowed: true,
  // GET without $select or $top=1 is refused on this endpoint (reference 4.4).
  requiresSelectOrTop: true,
  fieldList: journalEntryFieldList,
  children: {
    GeneralJournalEntryLines: {
      path: linesPath,
      typeName: 'Exact.Web.Api.Models.GeneralJournalEntryLine',
      parentKey: 'EntryID',
      fieldList: journalEntryLineFieldList,
    },
  },
  beforeCreate(row, children, ctx) {
    const journal = byCode(ctx, 'financial/Journals', row['JournalCode']);
    if (!journal) throw unknownReferenceError(ctx.settings, 'JournalCode');
    if (journal['Type'] !== journalType.general)
      throw wrongJournalError(ctx.settings, String(row['JournalCode']));
    const lines = children['GeneralJournalEntryLines'] ?? [];
    if (lines.length === 0) throw mandatoryError(ctx.settings, 'GeneralJournalEntryLines');
    lines.forEach((line, index) => completeLine(line, row, journal, index, ctx));
    const plan = entryPlan(row, lines, ctx);
    const first = String(lines[0]?.['Date']);
    const period = financialPeriod(first);
    row['FinancialYear'] ??= period.year;
    row['FinancialPeriod'] ??= period.period;
    const code = String(row['JournalCode']);
    if (row['EntryNumber'] === null)
      row['EntryNumber'] = nextEntryNumber(ctx.data, code, Number(row['FinancialYear']));
    else noteEntryNumber(ctx.data, code, Number(row['FinancialYear']), Number(row['EntryNumber']));
    for (const line of lines) line['EntryNumber'] = row['EntryNumber'] ?? null;
    plan.header.EntryNumber = Number(row['EntryNumber']);
    row['JournalDescription'] = journal['Description'] ?? null;
    row['Currency'] ??= 'EUR';
    row['ExchangeRate'] ??= 1;
    // Entries created through the API are always type 90 (reference 7.12).
    row['Type'] = transactionType.other;
    row['TypeDescription'] = ctx.settings.language === 'nl' ? 'Overige' : 'Other';
    row['Status'] = entryStatus.open;
    row['StatusDescription'] = 'Open';
    pendingEntries.set(row, plan);
  },
  afterCreate(record, ctx) {
    const table = ctx.data.table(linesPath);
    for (const line of record.children['GeneralJournalEntryLines'] ?? [])
      table.set(String(line['ID']), { row: line, children: {}, timestamp: record.timestamp });
    const plan = pendingEntries.get(record.row);
    if (!plan) return;
    pendingEntries.delete(record.row);
    bookEntry(ctx.data, plan.header, plan.lines, ctx.now, ctx.settings);
  },
  afterDelete(record, ctx) {
    unbookEntry(ctx.data, String(record.row['EntryID']), ctx.now);
    for (const line of record.children['GeneralJournalEntryLines'] ?? [])
      ctx.data.table(linesPath).delete(String(line['ID']));
  },
});

/**
 * generaljournalentry/GeneralJournalEntryLines on their own: GET and POST (reference 7.12). A
 * posted line needs `EntryID` and `GLAccount`; the entry must still balance with it, so only a
 * line of zero (with its VAT) can be added to a booked entry. The entry is then booked again.
 */
export const journalEntryLinesEntity = defineEntity({
  path: linesPath,
  typeName: 'Exact.Web.Api.Models.GeneralJournalEntryLine',
  methods: ['GET', 'POST'],
  pageSize: 60,
  skipAllowed: true,
  fieldList: journalEntryLineFieldList,
  beforeCreate(row, _children, ctx) {
    const entry = ctx.data.table(journalEntriesEntity.path).get(String(row['EntryID']));
    if (!entry) throw unknownReferenceError(ctx.settings, 'EntryID');
    const journal = byCode(ctx, 'financial/Journals', entry.row['JournalCode']) ?? {};
    const lines = entry.children['GeneralJournalEntryLines'] ?? [];
    completeLine(row, entry.row, journal, lines.length, ctx);
    row['EntryNumber'] = entry.row['EntryNumber'] ?? null;
    pendingEntries.set(row, entryPlan(entry.row, [...lines, row], ctx));
  },
  afterCreate(record, ctx) {
    const entry = ctx.data.table(journalEntriesEntity.path).get(String(record.row['EntryID']));
    const plan = pendingEntries.get(record.row);
    if (!entry || !plan) return;
    pendingEntries.delete(record.row);
    (entry.children['GeneralJournalEntryLines'] ??= []).push(record.row);
    unbookEntry(ctx.data, String(entry.row['EntryID']), ctx.now);
    bookEntry(ctx.data, plan.header, plan.lines, ctx.now, ctx.settings);
  },
});
