import { mandatoryError, unknownReferenceError } from './business-errors.js';
import type { WriteContext } from './entity-descriptor.js';
import { defineEntity } from './entity-descriptor.js';
import type { StoredRecord } from './entity-store.js';
import { updateRecord } from './entity-store.js';
import { multiplyDecimal, roundingOf, sumDecimal } from './exact-decimal.js';
import type { StoredRow } from './field-types.js';
import { processedInvoiceError, wrongJournalError } from './finance-errors.js';
import { salesInvoiceFieldList, salesInvoiceLineFieldList } from './finance-fields.js';
import { byCode, byId, firstGlOfType } from './finance-lookups.js';
import { glAccountType } from './gl-accounts.js';
import { journalType } from './journals.js';
import type { EntryHeader } from './ledger.js';
import { completeItemLine, itemLineAmount } from './item-line.js';
import { divisionAmounts, exchangeRateOf } from './currency.js';
import { bookEntry, derivedGuid, financialPeriod, isBooked, nextEntryNumber, unbookEntry } from './ledger.js';
import { entryStatus, transactionType } from './transaction-lines.js';

export const salesInvoicesPath = 'salesinvoice/SalesInvoices';

/** SalesInvoice.Status (appendix B). */
export const invoiceStatus = { draft: 10, open: 20, processed: 50 } as const;

const statusText: Record<number, { nl: string; en: string }> = {
  10: { nl: 'Concept', en: 'Draft' },
  20: { nl: 'Open', en: 'Open' },
  50: { nl: 'Verwerkt', en: 'Processed' },
};

/** SalesInvoice.Type (appendix B); 8023/8024 need a Warehouse (reference 7.10). */
const invoiceTypes: Record<number, { nl: string; en: string }> = {
  8020: { nl: 'Verkoopfactuur', en: 'Sales invoice' },
  8021: { nl: 'Creditnota', en: 'Sales credit note' },
  8023: { nl: 'Directe verkoopfactuur', en: 'Direct sales invoice' },
  8024: { nl: 'Directe creditnota', en: 'Direct sales credit note' },
};

function dateOnly(wallClock: string): string {
  return `${wallClock.slice(0, 10)}T00:00:00.000`;
}

function addDays(wallClock: string, days: number): string {
  const ms = Date.parse(`${wallClock.slice(0, 10)}T00:00:00.000Z`) + days * 86_400_000;
  return new Date(ms).toISOString().slice(0, 23);
}

/** Fill one line from its item, GL account and VAT code; amounts exact, VAT rounded per line. */
function completeLine(
  line: StoredRow,
  invoice: StoredRow,
  account: StoredRow,
  index: number,
  ctx: WriteContext,
): void {
  const item = completeItemLine(line, invoice, index, ctx);
  line['InvoiceID'] = invoice['InvoiceID'] ?? null;
  line['VATCode'] ??= item['SalesVatCode'] ?? account['SalesVATCode'] ?? null;
  let percentage = 0;
  if (line['VATCode'] !== null) {
    const vat = byCode(ctx, 'vat/VATCodes', line['VATCode']);
    if (!vat) throw unknownReferenceError(ctx.settings, 'VATCode');
    // The VAT code decides the rate; a posted VATPercentage that disagrees is overruled.
    percentage = Number(vat['Percentage'] ?? 0);
    line['VATCodeDescription'] = vat['Description'] ?? null;
  }
  // The GL account defaults from the item's revenue account (reference 7.10), else the division's
  // revenue account for the line's VAT code; which line fields Exact truly requires is UNCONFIRMED.
  if (line['GLAccount'] !== null && line['GLAccount'] !== undefined) {
    if (!byId(ctx, 'financial/GLAccounts', line['GLAccount']))
      throw unknownReferenceError(ctx.settings, 'GLAccount');
  } else {
    line['GLAccount'] =
      (item['GLRevenue'] as string | null) ??
      firstGlOfType(ctx, glAccountType.revenue, line['VATCode']) ??
      firstGlOfType(ctx, glAccountType.revenue) ??
      null;
    if (line['GLAccount'] === null) throw mandatoryError(ctx.settings, 'GLAccount');
  }
  line['GLAccountDescription'] =
    byId(ctx, 'financial/GLAccounts', line['GLAccount'])?.['Description'] ?? null;
  line['VATPercentage'] = percentage;
  line['AmountFC'] = itemLineAmount(line, ctx);
  line['VATAmountFC'] = multiplyDecimal(
    Number(line['AmountFC']),
    percentage,
    2,
    roundingOf(ctx.settings.amountRounding),
  );
  const rate = exchangeRateOf(invoice['Currency'], ctx.settings);
  const dc = divisionAmounts(line, Number(line['VATAmountFC']), percentage, rate, ctx.settings);
  line['AmountDC'] = dc.amountDC;
  line['VATAmountDC'] = dc.vatDC;
  line['Division'] = ctx.division;
}

/** The entry an invoice books: customer line (debit), revenue lines and VAT lines (credit). */
function invoiceEntry(
  invoice: StoredRow,
  lines: StoredRow[],
  ctx: WriteContext,
): { header: EntryHeader; lines: StoredRow[] } {
  const account = byId(ctx, 'crm/Accounts', invoice['InvoiceTo']) ?? {};
  const debtors =
    (account['GLAR'] as string | null | undefined) ?? firstGlOfType(ctx, glAccountType.receivable);
  if (!debtors) throw mandatoryError(ctx.settings, 'GLAccount');
  const vatByCode = new Map<string, { vat: number[]; base: number[]; percentage: number }>();
  for (const line of lines) {
    if (line['VATCode'] === null || Number(line['VATAmountDC']) === 0) continue;
    const code = String(line['VATCode']);
    const entry = vatByCode.get(code) ?? { vat: [], base: [], percentage: Number(line['VATPercentage']) };
    // The entry is in the division's currency: a foreign-currency invoice books its DC amounts.
    entry.vat.push(Number(line['VATAmountDC']));
    entry.base.push(Number(line['AmountFC']));
    vatByCode.set(code, entry);
  }
  const vatLines: StoredRow[] = [];
  for (const [code, { vat, base, percentage }] of vatByCode) {
    const vatCode = byCode(ctx, 'vat/VATCodes', code);
    const gl = (vatCode?.['GLToPay'] as string | null | undefined) ?? firstGlOfType(ctx, glAccountType.vat);
    if (!gl) throw mandatoryError(ctx.settings, 'GLToPay');
    vatLines.push({
      GLAccount: gl,
      AmountDC: -sumDecimal(vat),
      AmountVATBaseFC: -sumDecimal(base),
      VATCode: code,
      VATCodeDescription: vatCode?.['Description'] ?? null,
      VATPercentage: percentage,
      Description: invoice['Description'] ?? null,
    });
  }
  const creditNote = invoice['Type'] === 8021 || invoice['Type'] === 8024;
  const date = String(invoice['InvoiceDate']);
  const header: EntryHeader = {
    EntryID: entryIdOf(invoice),
    EntryNumber: Number(invoice['InvoiceNumber']),
    Date: date,
    JournalCode: String(invoice['Journal']),
    Type: creditNote ? transactionType.salesCreditNote : transactionType.salesEntry,
    Status: entryStatus.open,
    shared: {
      Account: (invoice['InvoiceTo'] as string | null) ?? null,
      InvoiceNumber: invoice['InvoiceNumber'] ?? null,
      OrderNumber: invoice['OrderNumber'] ?? null,
      YourRef: invoice['YourRef'] ?? null,
      PaymentReference: invoice['PaymentReference'] ?? null,
      DueDate: invoice['DueDate'] ?? null,
      Description: invoice['Description'] ?? null,
    },
  };
  const customer: StoredRow = { GLAccount: debtors, AmountDC: invoice['AmountDC'] ?? 0 };
  const revenue = lines.map((line) => ({
    GLAccount: line['GLAccount'] ?? null,
    AmountDC: -Number(line['AmountDC']),
    AmountVATFC: -Number(line['VATAmountFC']),
    AmountVATBaseFC: -Number(line['AmountFC']),
    Quantity: -Number(line['Quantity']),
    Item: line['Item'] ?? null,
    VATCode: line['VATCode'] ?? null,
    VATCodeDescription: line['VATCodeDescription'] ?? null,
    VATPercentage: line['VATPercentage'] ?? null,
    Description: line['Description'] ?? null,
    CostCenter: line['CostCenter'] ?? null,
    CostUnit: line['CostUnit'] ?? null,
    Project: line['Project'] ?? null,
  }));
  return { header, lines: [customer, ...revenue, ...vatLines] };
}

/** Booking plans made in a before-hook (where errors may still refuse the write), written after. */
const pendingBookings = new WeakMap<StoredRow, { header: EntryHeader; lines: StoredRow[] }>();

/**
 * Header amounts from the lines. As on sales orders, AmountFC/DC include VAT and AmountFCExclVat
 * does not (appendix A; UNCONFIRMED); the DC totals are sums of the lines' DC amounts.
 */
function invoiceTotals(lines: StoredRow[]): StoredRow {
  const sum = (field: string) => sumDecimal(lines.map((l) => Number(l[field])));
  const [net, vat, netDC, vatDC] = [sum('AmountFC'), sum('VATAmountFC'), sum('AmountDC'), sum('VATAmountDC')];
  return {
    AmountFCExclVat: net,
    VATAmountFC: vat,
    VATAmountDC: vatDC,
    AmountFC: sumDecimal([net, vat]),
    AmountDC: sumDecimal([netDC, vatDC]),
  };
}

function entryIdOf(invoice: StoredRow): string {
  return derivedGuid(`entry:${String(invoice['InvoiceID'])}`);
}

const linesPath = 'salesinvoice/SalesInvoiceLines';

function numberInvoice(invoice: StoredRow, ctx: WriteContext): void {
  if (invoice['InvoiceNumber'] !== null && invoice['InvoiceNumber'] !== undefined) return;
  const { year } = financialPeriod(String(invoice['InvoiceDate']));
  invoice['InvoiceNumber'] = nextEntryNumber(ctx.data, String(invoice['Journal']), year);
}

function statusFields(status: number, ctx: WriteContext): StoredRow {
  return { Status: status, StatusDescription: statusText[status]?.[ctx.settings.language] ?? null };
}

/**
 * salesinvoice/SalesInvoices with embedded SalesInvoiceLines (reference 7.10, appendix A). A POST
 * makes an open invoice (20); it is booked as a financial entry when processed through
 * PrintedSalesInvoices, or at once with `salesInvoiceBookOn: 'create'`.
 */
export const salesInvoicesEntity = defineEntity({
  path: salesInvoicesPath,
  typeName: 'Exact.Web.Api.Models.SalesInvoice',
  methods: ['GET', 'POST', 'PUT', 'DELETE'],
  pageSize: 60,
  skipAllowed: true,
  deletedEntityType: 13,
  fieldList: salesInvoiceFieldList,
  children: {
    SalesInvoiceLines: {
      path: linesPath,
      typeName: 'Exact.Web.Api.Models.SalesInvoiceLine',
      parentKey: 'InvoiceID',
      fieldList: salesInvoiceLineFieldList,
      // The lines endpoint and the line-level sync feed read these same rows, each with its own version.
      indexed: true,
    },
  },
  deletions: (record) => [
    // One row per line (the rows of sync/SalesInvoice/SalesInvoices) and one for the invoice itself
    // (the header row's ID; what a client keyed on invoices needs). UNCONFIRMED (reference 5.2).
    ...(record.children['SalesInvoiceLines'] ?? []).map((line) => ({
      entityType: 13,
      entityKey: String(line['ID']),
    })),
    { entityType: 13, entityKey: String(record.row['InvoiceID']) },
  ],
  beforeCreate(row, children, ctx) {
    const journal = byCode(ctx, 'financial/Journals', row['Journal']);
    if (!journal) throw unknownReferenceError(ctx.settings, 'Journal');
    if (journal['Type'] !== journalType.sales && journal['Type'] !== journalType.returnInvoice)
      throw wrongJournalError(ctx.settings, String(row['Journal']));
    const account = byId(ctx, 'crm/Accounts', row['OrderedBy']);
    if (!account) throw unknownReferenceError(ctx.settings, 'OrderedBy');
    for (const field of ['InvoiceTo', 'DeliverTo'] as const) {
      if (row[field] === null) row[field] = row['OrderedBy'] ?? null;
      else if (!byId(ctx, 'crm/Accounts', row[field])) throw unknownReferenceError(ctx.settings, field);
    }
    const lines = children['SalesInvoiceLines'] ?? [];
    if (lines.length === 0) throw mandatoryError(ctx.settings, 'SalesInvoiceLines');
    row['Type'] ??= 8020;
    const type = invoiceTypes[Number(row['Type'])];
    if (!type) throw unknownReferenceError(ctx.settings, 'Type');
    if ((row['Type'] === 8023 || row['Type'] === 8024) && row['Warehouse'] === null)
      throw mandatoryError(ctx.settings, 'Warehouse');
    row['TypeDescription'] = type[ctx.settings.language];
    row['JournalDescription'] = journal['Description'] ?? null;
    row['OrderedByName'] = account['Name'] ?? null;
    row['InvoiceToName'] = byId(ctx, 'crm/Accounts', row['InvoiceTo'])?.['Name'] ?? null;
    row['DeliverToName'] = byId(ctx, 'crm/Accounts', row['DeliverTo'])?.['Name'] ?? null;
    // InvoiceDate is read-only in appendix A: the entry date, unless the seed backdates it.
    row['InvoiceDate'] = dateOnly(String(row['InvoiceDate'] ?? ctx.now));
    row['PaymentCondition'] ??= account['PaymentConditionSales'] ?? null;
    const condition = byCode(ctx, 'cashflow/PaymentConditions', row['PaymentCondition']);
    // DueDate follows the payment condition (reference 7.10); without one, 30 days (sandbox choice).
    row['DueDate'] ??= addDays(String(row['InvoiceDate']), Number(condition?.['PaymentDays'] ?? 30));
    row['PaymentConditionDescription'] = condition?.['Description'] ?? null;
    row['Currency'] ??= 'EUR';
    row['DiscountType'] ??= 1;
    Object.assign(row, statusFields(Number(row['Status'] ?? invoiceStatus.open), ctx));
    lines.forEach((line, index) => completeLine(line, row, account, index, ctx));
    Object.assign(row, invoiceTotals(lines));
    const status = Number(row['Status']);
    if (status === invoiceStatus.draft) return;
    const book = status === invoiceStatus.processed || ctx.settings.salesInvoiceBookOn === 'create';
    if (book || ctx.settings.salesInvoiceNumberAt === 'entry') numberInvoice(row, ctx);
    if (book) pendingBookings.set(row, invoiceEntry(row, lines, ctx));
  },
  afterCreate(record, ctx) {
    bookPending(record, ctx);
  },
  beforeUpdate(row, _patch, ctx) {
    if (row['Status'] === invoiceStatus.processed) throw processedInvoiceError(ctx.settings);
  },
  afterUpdate(record, ctx) {
    // A booked (not yet processed) invoice that changes is booked again as it now is.
    const entryId = entryIdOf(record.row);
    if (!isBooked(ctx.data, entryId)) return;
    unbookEntry(ctx.data, entryId, ctx.now);
    const plan = invoiceEntry(record.row, record.children['SalesInvoiceLines'] ?? [], ctx);
    bookEntry(ctx.data, plan.header, plan.lines, ctx.now, ctx.settings);
  },
  beforeDelete(record, ctx) {
    // Processed means immutable (reference 7.10).
    if (record.row['Status'] === invoiceStatus.processed) throw processedInvoiceError(ctx.settings);
  },
  afterDelete(record, ctx) {
    // An invoice booked at entry takes its entry with it.
    unbookEntry(ctx.data, entryIdOf(record.row), ctx.now);
  },
});

function bookPending(record: StoredRecord, ctx: WriteContext): void {
  const plan = pendingBookings.get(record.row);
  if (!plan) return;
  pendingBookings.delete(record.row);
  bookEntry(ctx.data, plan.header, plan.lines, ctx.now, ctx.settings);
}

/**
 * salesinvoice/PrintedSalesInvoices: POST processes (prints/sends) an invoice, which makes it
 * processed (50) and immutable (reference 7.10). Its fields are Exact's list
 * (scripts/exact-field-lists), which marks every field of this function endpoint writable, its
 * result messages included; the sandbox fills none of those messages.
 */
export const printedSalesInvoicesEntity = defineEntity({
  path: 'salesinvoice/PrintedSalesInvoices',
  typeName: 'Exact.Web.Api.Models.PrintedSalesInvoice',
  methods: ['POST'],
  pageSize: 60,
  skipAllowed: false,
  fieldList: `
    InvoiceID:Guid[KPU!], Division:Int32[PU], Document:Guid[PU], DocumentCreationError:String[PU],
    DocumentCreationSuccess:String[PU], DocumentLayout:Guid[PU], EmailCreationError:String[PU],
    EmailCreationSuccess:String[PU], EmailLayout:Guid[PU], ExtraText:String[PU],
    InvoiceDate:DateTime[PU], PostboxMessageCreationError:String[PU],
    PostboxMessageCreationSuccess:String[PU], PostboxSender:Guid[PU], ReportingPeriod:Int32[PU],
    ReportingYear:Int32[PU], SendEmailToCustomer:Boolean[PU], SenderEmailAddress:String[PU],
    SendInvoiceToCustomerPostbox:Boolean[PU], SendOutputBasedOnAccount:Boolean[PU],
    PeppolCreationError:String{new}, PeppolCreationSuccess:String{new},
    SendInvoiceViaPeppol:Boolean{new}
  `,
  beforeCreate(row, _children, ctx) {
    const invoice = ctx.data.table(salesInvoicesPath).get(String(row['InvoiceID']));
    if (!invoice) throw unknownReferenceError(ctx.settings, 'InvoiceID');
    if (invoice.row['Status'] === invoiceStatus.processed) throw processedInvoiceError(ctx.settings);
    const plan = { ...invoice.row };
    numberInvoice(plan, ctx);
    const entryId = entryIdOf(invoice.row);
    if (!isBooked(ctx.data, entryId))
      pendingBookings.set(row, invoiceEntry(plan, invoice.children['SalesInvoiceLines'] ?? [], ctx));
    pendingPrints.set(row, { invoice, number: Number(plan['InvoiceNumber']) });
  },
  afterCreate(record, ctx) {
    const print = pendingPrints.get(record.row);
    if (!print) return;
    pendingPrints.delete(record.row);
    const patch = { ...statusFields(invoiceStatus.processed, ctx), InvoiceNumber: print.number };
    updateRecord(salesInvoicesEntity, ctx.data, print.invoice, patch, ctx.now, ctx.settings);
    bookPending(record, ctx);
  },
});

const pendingPrints = new WeakMap<StoredRow, { invoice: StoredRecord; number: number }>();

/** The invoice a line belongs to, if it may still change. */
function openInvoiceOf(line: StoredRow, ctx: WriteContext): StoredRecord {
  const invoice = ctx.data.table(salesInvoicesPath).get(String(line['InvoiceID']));
  if (!invoice) throw unknownReferenceError(ctx.settings, 'InvoiceID');
  if (invoice.row['Status'] === invoiceStatus.processed) throw processedInvoiceError(ctx.settings);
  return invoice;
}

/**
 * Renumber the lines and write the header's new totals (which books it again if it was booked);
 * `changed` are the lines the change was made to, for their row versions (`syncLineVersions`).
 */
function refreshInvoice(invoice: StoredRecord, ctx: WriteContext, changed: readonly StoredRow[]): void {
  const lines = invoice.children['SalesInvoiceLines'] ?? [];
  lines.forEach((line, index) => (line['LineNumber'] = index + 1));
  const totals = invoiceTotals(lines);
  updateRecord(salesInvoicesEntity, ctx.data, invoice, totals, ctx.now, ctx.settings, changed);
}

/** Fields a line's PUT may change that the amounts depend on. */
const priceInputs = ['Item', 'Quantity', 'UnitPrice', 'Discount', 'VATCode', 'GLAccount'];

/**
 * salesinvoice/SalesInvoiceLines on their own (appendix A: GET POST PUT DELETE). A posted line
 * needs `InvoiceID` (and `Item`, `GLAccount` per the appendix flags); lines of a processed invoice
 * cannot be added or changed. The header's totals (and its entry, if booked) follow every change.
 */
export const salesInvoiceLinesEntity = defineEntity({
  path: linesPath,
  typeName: 'Exact.Web.Api.Models.SalesInvoiceLine',
  methods: ['GET', 'POST', 'PUT', 'DELETE'],
  pageSize: 60,
  skipAllowed: true,
  // The invoice stays; its line row leaves sync/SalesInvoice/SalesInvoices (EntityKey the line's ID).
  deletedEntityType: 13,
  fieldList: salesInvoiceLineFieldList,
  beforeCreate(row, _children, ctx) {
    const invoice = openInvoiceOf(row, ctx);
    const account = byId(ctx, 'crm/Accounts', invoice.row['OrderedBy']) ?? {};
    completeLine(row, invoice.row, account, (invoice.children['SalesInvoiceLines'] ?? []).length, ctx);
  },
  afterCreate(record, ctx) {
    const invoice = openInvoiceOf(record.row, ctx);
    (invoice.children['SalesInvoiceLines'] ??= []).push(record.row);
    refreshInvoice(invoice, ctx, [record.row]);
  },
  beforeUpdate(row, patch, ctx) {
    const invoice = openInvoiceOf(row, ctx);
    if (!priceInputs.some((field) => field in patch)) return;
    // Recompute on a copy, so a refused change leaves the line as it was.
    const next: StoredRow = { ...row, ...patch };
    if ('UnitPrice' in patch || 'Discount' in patch || 'Item' in patch)
      next['NetPrice'] = patch['NetPrice'] ?? null;
    if ('Item' in patch && !('VATCode' in patch)) next['VATCode'] = null;
    if ('Item' in patch && !('GLAccount' in patch)) next['GLAccount'] = null;
    const account = byId(ctx, 'crm/Accounts', invoice.row['OrderedBy']) ?? {};
    completeLine(next, invoice.row, account, Number(row['LineNumber']) - 1, ctx);
    Object.assign(patch, next);
  },
  afterUpdate(record, ctx) {
    refreshInvoice(openInvoiceOf(record.row, ctx), ctx, [record.row]);
  },
  beforeDelete(record, ctx) {
    openInvoiceOf(record.row, ctx);
  },
  afterDelete(record, ctx) {
    const invoice = openInvoiceOf(record.row, ctx);
    const lines = invoice.children['SalesInvoiceLines'] ?? [];
    invoice.children['SalesInvoiceLines'] = lines.filter((line) => line !== record.row);
    refreshInvoice(invoice, ctx, []);
  },
});
