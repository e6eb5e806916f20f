import type { AsperionClient } from '../../connectors/asperion/asperion-client.js';
import { lastCall, observeCalls } from '../../connectors/kit/observed-calls.js';
import type { JournalEntryLineInput, VatCode } from '../../connectors/asperion/resource-types.js';
import { KoppelError } from '../../core/errors.js';
import { formatCents, mulDiv, toCents, type Cents } from '../../core/money.js';
import type { TargetWriter, WriteResult } from '../../engine/types.js';
import { aboutOrder, invalid, type ResolvedLine, type ResolvedOrder } from './build-order.js';
import type { OrdersSettings, OrderType } from './settings.js';
import { fromValueMap } from './tax-rules.js';
import type { AsperionVatCodes } from './asperion-vat-codes.js';

export type OrderPayload = ResolvedOrder & Record<string, unknown>;

const paths: Record<OrderType, string> = {
  salesInvoice: '/v1/salesinvoiceswithlines',
  salesOrder: '/v1/SalesOrderWithLines',
  journalEntry: '/v1/journalentrieswithlines',
};

/**
 * Writes a resolved order as the flow's order type. The natural key is the `[koppel:<id>]`
 * reference in the description, found again with the client's finders. Asperion cannot change
 * these records once created (GET and POST only), so an update is refused with the reason.
 */
export function asperionOrderWriter(
  client: AsperionClient,
  settings: OrdersSettings,
  vatCodes: AsperionVatCodes,
): TargetWriter<OrderPayload> {
  const type = settings.orderType;
  const done = (id: number, response: unknown): WriteResult => ({ targetId: String(id), response });
  /** The create, with its POST as Asperion answered it. */
  async function send(order: OrderPayload): Promise<WriteResult> {
    const { result, calls } = await observeCalls(() => createOrder(order));
    const post = lastCall(calls, 'POST', paths[type]);
    return {
      ...result,
      request: { method: 'POST', url: paths[type], ...(post ? { status: post.status } : {}) },
    };
  }
  async function createOrder(order: OrderPayload): Promise<WriteResult> {
    if (type === 'salesInvoice') {
      const row = await client.salesInvoices.create({
        date: order.date,
        journalId: order.journalId ?? '70',
        debtorCustomerNumber: order.debtorCustomerNumber,
        description: order.description,
        ...(order.paymentConditionId === null ? {} : { paymentConditionId: order.paymentConditionId }),
        lines: order.lines.map((l) => ({
          description: l.description,
          amount: toCents(l.amount),
          ledgerAccountId: l.ledgerAccountId,
          vatCode: l.vatCode,
          // Exact's VAT, so Asperion's rounding cannot differ from what the customer was billed.
          ...(l.vatAmount === null ? {} : { vatAmount: toCents(l.vatAmount) }),
          ...(l.articleId === null ? {} : { articleId: l.articleId }),
        })),
      });
      return done(row.id, {
        id: row.id,
        debtorCustomerNumber: row.debtorCustomerNumber,
        amountExclVat: formatCents(row.amountExclVat),
        vatAmount: formatCents(row.vatAmount),
        amountInclVat: formatCents(row.amountInclVat),
      });
    }
    if (type === 'salesOrder') {
      const row = await client.salesOrders.create({
        date: order.date,
        debtorCustomerNumber: order.debtorCustomerNumber,
        description: order.description,
        lines: order.lines.map((l, i) => {
          if (l.articleId === null)
            throw invalid(
              `Line ${i + 1} has no active article; an inTrade sales order needs one per line`,
              'orders.line_without_article',
            );
          return {
            articleId: l.articleId,
            description: l.description,
            quantity: l.quantity,
            ...(l.price === null ? {} : { price: orderLinePrice(l, i) }),
          };
        }),
      });
      return done(row.id, {
        id: row.id,
        amountExclVat: row.amountExclVat === null ? null : formatCents(row.amountExclVat),
      });
    }
    const lines = journalLines(order, await vatCodes.all(), settings);
    const row = await client.journalEntries.create({
      journalId: order.journalId ?? '90',
      date: order.date,
      description: order.description,
      lines,
    });
    return done(row.id, { id: row.id, lines: row.lines.length });
  }
  return {
    // Asperion's refusals name fields, not orders: the description (number and reference) goes in front.
    create: (order) => aboutOrder(`Order "${order.description}"`, () => send(order)),
    update() {
      return Promise.reject(
        new KoppelError(
          `The order changed in Exact after it was sent; Asperion cannot change a ${type} once created, so correct it there`,
          { code: 'orders.sent_order_changed', kind: 'conflict' },
        ),
      );
    },
    async findByNaturalKey(key) {
      const found =
        type === 'salesInvoice'
          ? await client.find.salesInvoiceByReference(key)
          : type === 'salesOrder'
            ? await client.find.salesOrderByReference(key)
            : await client.find.journalEntryByReference(key);
      return found ? { targetId: String(found.id) } : null;
    },
    async findByNaturalKeys(keys, since) {
      const found =
        type === 'salesInvoice'
          ? await client.find.salesInvoicesByReferences(keys, since)
          : type === 'salesOrder'
            ? await client.find.salesOrdersByReferences(keys, since)
            : await client.find.journalEntriesByReferences(keys, since);
      return new Map([...found].map(([key, row]) => [key, { targetId: String(row.id) }]));
    },
  };
}

/**
 * An inTrade line's price in cents. Asperion computes the line as quantity × price, so when that is
 * not Exact's line amount to the cent (a unit price with more decimals than cents) the order fails
 * rather than arrive a few cents off.
 */
function orderLinePrice(line: ResolvedLine, index: number): Cents {
  const price = toCents(line.price ?? '0');
  const millionths = toCents(line.quantity, 'half-up', 6);
  const amount = mulDiv(price * millionths, 1n, 1_000_000n);
  if (amount !== toCents(line.amount))
    throw invalid(
      `Line ${index + 1}: ${line.quantity} x ${formatCents(price)} makes ${formatCents(amount)} in Asperion, not Exact's ${line.amount}; Asperion takes unit prices in cents, so this line cannot be sent exactly as an inTrade sales order (a sales invoice can)`,
      'orders.price_not_in_cents',
    );
  return price;
}

/**
 * A balanced journal entry: revenue per line (credit), VAT per line on its code's ledger account
 * (credit), and the total on the receivables account with the debtor (debit). A credit note's
 * negative amounts turn every side around.
 */
export function journalLines(
  order: ResolvedOrder,
  vatCodes: Map<string, VatCode>,
  settings: Pick<OrdersSettings, 'receivablesAccountId' | 'vatAccountByVatCode' | 'oss' | 'homeCountry'>,
): JournalEntryLineInput[] {
  const lines: JournalEntryLineInput[] = [];
  const vatTotals = new Map<string, Cents>();
  let total = 0n;
  for (const line of order.lines) {
    const amount = toCents(line.amount);
    const code = vatCodes.get(line.vatCode);
    if (!code)
      throw invalid(`VAT code ${line.vatCode} does not exist in Asperion`, 'orders.unknown_vat_code');
    const vat =
      line.vatAmount !== null
        ? toCents(line.vatAmount)
        : mulDiv(amount, BigInt(Math.round(code.percentage * 100)), 10_000n);
    lines.push({
      amount: -amount,
      ledgerAccountId: line.ledgerAccountId,
      vatCode: line.vatCode,
      vatAmount: -vat,
      description: line.description,
    });
    vatTotals.set(line.vatCode, (vatTotals.get(line.vatCode) ?? 0n) + vat);
    total += amount + vat;
  }
  for (const [code, vat] of vatTotals) {
    if (vat === 0n) continue;
    // A destination country's code (OSS) books on the OSS VAT account unless given its own.
    const abroad =
      (vatCodes.get(code)?.countryCode ?? settings.homeCountry).toUpperCase() !== settings.homeCountry;
    const account =
      fromValueMap(settings.vatAccountByVatCode, code) ??
      (abroad ? (settings.oss.vatPayableAccountId ?? undefined) : undefined);
    if (account === undefined)
      throw invalid(
        `VAT code ${code} has no account to book its VAT on (settings.vatAccountByVatCode${abroad ? ' or settings.oss.vatPayableAccountId' : ''})`,
        'orders.vat_account_missing',
      );
    lines.push({ amount: -vat, ledgerAccountId: account, description: `Btw ${code}` });
  }
  lines.push({
    amount: total,
    ledgerAccountId: settings.receivablesAccountId,
    debtorId: order.debtorId,
    description: order.description,
  });
  return lines;
}
