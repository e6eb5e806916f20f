import type { DivisionInfo } from '../divisions.js';
import type { DivisionData, StoredRecord } from '../entities/entity-store.js';
import { createRecord, updateRecord } from '../entities/entity-store.js';
import { sumDecimal } from '../entities/exact-decimal.js';
import type { StoredRow } from '../entities/field-types.js';
import { glAccountsEntity, glAccountType } from '../entities/gl-accounts.js';
import { journalEntriesEntity } from '../entities/journal-entries.js';
import { journalsEntity, journalType } from '../entities/journals.js';
import { bookEntry, financialPeriod, nextEntryNumber } from '../entities/ledger.js';
import { invoiceStatus, salesInvoicesEntity } from '../entities/sales-invoices.js';
import { entryStatus, transactionType } from '../entities/transaction-lines.js';
import { vatCodesEntity } from '../entities/vat-codes.js';
import { Prng } from '../prng.js';
import type { ExactSettings } from '../settings.js';

/**
 * A Dutch chart of accounts in Exact's four-digit style. Type codes 10–24, 110 and 111 are the
 * reference's (7.17); the others (30 fixed assets, 35 depreciation, 40 stock, 50 capital,
 * 120–126 costs) follow Exact's GLAccount type list and are UNCONFIRMED here.
 */
const chart: Array<[code: string, description: string, type: number, side: 'D' | 'C', vat?: string]> = [
  ['0200', 'Inventaris', 30, 'D'],
  ['0290', 'Afschrijving inventaris', 35, 'C'],
  ['0500', 'Eigen vermogen', 50, 'C'],
  ['1000', 'Kas', glAccountType.cash, 'D'],
  ['1100', 'Bank', glAccountType.bank, 'D'],
  ['1300', 'Debiteuren', glAccountType.receivable, 'D'],
  ['1500', 'Te betalen btw hoog', glAccountType.vat, 'C', 'VH'],
  ['1510', 'Te betalen btw laag', glAccountType.vat, 'C', 'VL'],
  ['1520', 'Te betalen btw overig', glAccountType.vat, 'C', 'V0'],
  ['1530', 'Te vorderen btw', glAccountType.vat, 'D'],
  ['1600', 'Crediteuren', glAccountType.payable, 'C'],
  ['1700', 'Te betalen nettolonen', 25, 'C'],
  ['3000', 'Voorraad fietsen en onderdelen', 40, 'D'],
  ['4000', 'Lonen en salarissen', 125, 'D'],
  ['4100', 'Sociale lasten', 126, 'D'],
  ['4300', 'Huur bedrijfspand', 120, 'D'],
  ['4500', 'Verkoopkosten', 121, 'D'],
  ['4800', 'Afschrijvingskosten', 122, 'D'],
  ['4900', 'Algemene kosten', 120, 'D'],
  ['7000', 'Kostprijs omzet', glAccountType.costOfGoods, 'D'],
  ['8000', 'Omzet hoog tarief', glAccountType.revenue, 'C', 'VH'],
  ['8010', 'Omzet laag tarief', glAccountType.revenue, 'C', 'VL'],
  ['8020', 'Omzet 0% / vrijgesteld', glAccountType.revenue, 'C', 'V0'],
];

const journals: Array<[code: string, description: string, type: number, gl?: string]> = [
  ['10', 'Kas', journalType.cash, '1000'],
  ['20', 'Bank', journalType.bank, '1100'],
  ['70', 'Verkoopboek', journalType.sales],
  ['90', 'Memoriaal', journalType.general],
];

const dayMs = 86_400_000;

function dayOf(wallClock: string): number {
  return Math.floor(Date.parse(`${wallClock.slice(0, 10)}T00:00:00.000Z`) / dayMs);
}

/** Wall-clock text of a day number at a given hour (business hours, so Created looks real). */
function atDay(day: number, hour: number): string {
  return new Date(day * dayMs + hour * 3_600_000).toISOString().slice(0, 23);
}

interface Event {
  day: number;
  order: number;
  run(): void;
}

/** Settings for the seed itself: book and number as a processed invoice says, whatever the API setting. */
function seedSettings(settings: ExactSettings): ExactSettings {
  return { ...settings, salesInvoiceBookOn: 'process', salesInvoiceNumberAt: 'entry' };
}

/**
 * Finance demo data for one division: chart of accounts, journals, sales invoices for most
 * partial/complete sales orders plus standalone ones over the last twelve months, payments of most
 * processed invoices, monthly memorial entries, and the transaction lines all of these book.
 * Everything is written in date order, so entry numbers and row versions follow the calendar.
 * `transactions: false` stops after the chart and the journals (the `reference` seed).
 */
export function seedFinance(
  division: DivisionInfo,
  data: DivisionData,
  now: string,
  apiSettings: ExactSettings,
  options: { transactions: boolean } = { transactions: true },
): void {
  // Its own generator, so the other seed data stays as it was.
  const prng = new Prng(division.code);
  const settings = seedSettings(apiSettings);
  const gl = new Map<string, string>();
  for (const [code, description, type, side, vat] of chart) {
    const row = {
      ID: prng.guid(),
      Code: code,
      Description: description,
      Type: type,
      BalanceSide: side,
      BalanceType: type >= 110 ? 'W' : 'B',
      VATCode: vat ?? null,
    };
    createRecord(glAccountsEntity, data, { row, children: {} }, now, settings);
    gl.set(code, row.ID);
  }
  const vatGl: Record<string, string> = { VH: '1500', VL: '1510', V0: '1520' };
  for (const record of data.table(vatCodesEntity.path).values()) {
    const toPay = gl.get(vatGl[String(record.row['Code'])] ?? '1520');
    const patch = { GLToPay: toPay ?? null, GLToClaim: gl.get('1530') ?? null };
    updateRecord(vatCodesEntity, data, record, patch, now, settings);
  }
  for (const [code, description, type, account] of journals) {
    const row = {
      ID: prng.guid(),
      Code: code,
      Description: description,
      Type: type,
      GLAccount: account ? (gl.get(account) ?? null) : null,
    };
    createRecord(journalsEntity, data, { row, children: {} }, now, settings);
  }
  if (!options.transactions) return;

  const today = dayOf(now);
  const events: Event[] = [];
  const at = (day: number, run: () => void) => events.push({ day, order: events.length, run });

  const addInvoice = (
    day: number,
    row: StoredRow,
    lines: StoredRow[],
    creditNote: boolean,
    forced?: number,
  ) => {
    const age = today - day;
    const roll = prng.next();
    const status =
      forced ??
      (age < 5
        ? roll < 0.4
          ? invoiceStatus.draft
          : invoiceStatus.open
        : (age < 20 ? roll < 0.2 : roll < 0.05)
          ? invoiceStatus.open
          : invoiceStatus.processed);
    const paidAfter = prng.int(7, 45);
    const paid = !creditNote && status === invoiceStatus.processed && prng.next() < 0.85;
    const invoice: { record?: StoredRecord } = {};
    at(day, () => {
      const input = {
        row: { ...row, Journal: '70', Status: status, InvoiceDate: atDay(day, 0) },
        children: { SalesInvoiceLines: lines },
      };
      invoice.record = createRecord(salesInvoicesEntity, data, input, atDay(day, 10), settings);
    });
    if (paid && day + paidAfter <= today) {
      at(day + paidAfter, () => {
        if (invoice.record)
          bookPayment(data, invoice.record.row, atDay(day + paidAfter, 9), prng, gl, settings);
      });
    }
  };

  // Invoices for most orders that are partly or fully processed; a partial order bills its first lines.
  for (const order of data.table('salesorder/SalesOrders').values()) {
    const status = order.row['Status'];
    if ((status !== 20 && status !== 21) || prng.next() < 0.1) continue;
    const orderLines = order.children['SalesOrderLines'] ?? [];
    const billed = status === 21 ? orderLines : orderLines.slice(0, Math.ceil(orderLines.length / 2));
    if (billed.length === 0) continue;
    const orderDay = dayOf(String(order.row['OrderDate'] ?? now));
    const day = Math.min(today, orderDay + prng.int(0, 14));
    const lines = billed.map((line) => ({
      ID: prng.guid(),
      Item: line['Item'] ?? null,
      Quantity: line['Quantity'] ?? null,
      UnitPrice: line['UnitPrice'] ?? null,
      Discount: line['Discount'] ?? null,
      NetPrice: line['NetPrice'] ?? null,
      Description: line['Description'] ?? null,
      SalesOrder: order.row['OrderID'] ?? null,
      SalesOrderLine: line['ID'] ?? null,
      SalesOrderNumber: order.row['OrderNumber'] ?? null,
      SalesOrderLineNumber: line['LineNumber'] ?? null,
      // The order's VAT code (OSS for an EU consumer, export, …), not the item's default.
      VATCode: line['VATCode'] ?? null,
    }));
    const row = {
      InvoiceID: prng.guid(),
      OrderedBy: order.row['OrderedBy'] ?? null,
      OrderNumber: order.row['OrderNumber'] ?? null,
      // Billed in the order's currency.
      Currency: order.row['Currency'] ?? null,
      OrderDate: order.row['OrderDate'] ?? null,
      YourRef: order.row['YourRef'] ?? null,
      Description: `Factuur order ${String(order.row['OrderNumber'])}`,
    };
    addInvoice(day, row, lines, false);
  }

  // Standalone invoices (counter sales, services) and a few credit notes, over the last year.
  const customers = [...data.table('crm/Accounts').values()]
    .map((r) => r.row)
    .filter((r) => r['Status'] === 'C' && r['Blocked'] !== true);
  const items = [...data.table('logistics/Items').values()].map((r) => r.row);
  if (customers.length > 0 && items.length > 0) {
    for (let i = 0, n = prng.int(25, 40); i < n; i++) {
      // The first two are recent and not yet processed, so every status is present.
      const day = today - (i < 2 ? prng.int(0, 3) : prng.int(0, 364));
      const creditNote = i % 9 === 8;
      const lines = Array.from({ length: prng.int(1, 3) }, () => ({
        ID: prng.guid(),
        Item: prng.pick(items)['ID'] ?? null,
        Quantity: (creditNote ? -1 : 1) * prng.int(1, 4),
      }));
      const row = {
        InvoiceID: prng.guid(),
        OrderedBy: prng.pick(customers)['ID'] ?? null,
        Type: creditNote ? 8021 : 8020,
        Description: creditNote ? 'Creditnota retour' : 'Balieverkoop',
      };
      const forced = [invoiceStatus.draft, invoiceStatus.open][i];
      addInvoice(day, row, lines, creditNote, forced);
    }
  }

  // Month-end memorial entries: wages and depreciation.
  for (let back = 12; back >= 1; back--) {
    const monthEnd = lastDayBefore(now, back);
    if (monthEnd > today) continue;
    const wages = prng.int(1_800_000, 2_600_000) / 100;
    const social = prng.int(300_000, 500_000) / 100;
    const depreciation = prng.int(25_000, 40_000) / 100;
    at(monthEnd, () => {
      const date = atDay(monthEnd, 0);
      const lines = (rows: Array<[string, number, string]>) =>
        rows.map(([code, amount, description]) => ({
          ID: prng.guid(),
          GLAccount: gl.get(code) ?? null,
          AmountFC: amount,
          Date: date,
          Description: description,
        }));
      const entries = [
        lines([
          ['4000', wages, 'Lonen'],
          ['4100', social, 'Sociale lasten'],
          ['1700', -sumDecimal([wages, social]), 'Te betalen lonen'],
        ]),
        lines([
          ['4800', depreciation, 'Afschrijving inventaris'],
          ['0290', -depreciation, 'Afschrijving inventaris'],
        ]),
      ];
      for (const entryLines of entries) {
        const input = {
          row: { EntryID: prng.guid(), JournalCode: '90' },
          children: { GeneralJournalEntryLines: entryLines },
        };
        createRecord(journalEntriesEntity, data, input, atDay(monthEnd, 17), settings);
      }
    });
  }

  events.sort((a, b) => a.day - b.day || a.order - b.order);
  for (const event of events) event.run();
}

/** The day number of the last day of the month `monthsBack` months before `now`'s month. */
function lastDayBefore(now: string, monthsBack: number): number {
  const year = Number(now.slice(0, 4));
  const month = Number(now.slice(5, 7)) - 1 - monthsBack;
  return Math.floor(Date.UTC(year, month + 1, 0) / dayMs);
}

/** A bank entry (journal 20, cash flow) that settles an invoice: bank debit, debtors credit. */
function bookPayment(
  data: DivisionData,
  invoice: StoredRow,
  date: string,
  prng: Prng,
  gl: Map<string, string>,
  settings: ExactSettings,
): void {
  const bank = gl.get('1100');
  const debtors = gl.get('1300');
  if (!bank || !debtors) return;
  const amount = Number(invoice['AmountDC']);
  const entryId = prng.guid();
  bookEntry(
    data,
    {
      EntryID: entryId,
      EntryNumber: nextEntryNumber(data, '20', financialPeriod(date).year),
      Date: date,
      JournalCode: '20',
      Type: transactionType.cashFlow,
      Status: entryStatus.open,
      shared: {
        Account: invoice['InvoiceTo'] ?? null,
        InvoiceNumber: invoice['InvoiceNumber'] ?? null,
        YourRef: invoice['YourRef'] ?? null,
        Description: `Betaling factuur ${String(invoice['InvoiceNumber'])}`,
      },
    },
    [
      { GLAccount: bank, AmountDC: amount },
      { GLAccount: debtors, AmountDC: -amount },
    ],
    date,
    settings,
  );
}
