import { asperionClientOf } from '../../connectors/asperion/app.js';
import { readKoppelReference } from '../../connectors/asperion/koppel-reference.js';
import type { SalesInvoice } from '../../connectors/asperion/resource-types.js';
import { exactClientOf } from '../../connectors/exact-online/app.js';
import type { ExactClient, ExactRow } from '../../connectors/exact-online/exact-client.js';
import { and, cmp, lit } from '../../connectors/exact-online/odata-query.js';
import { KoppelError } from '../../core/errors.js';
import { toCents, type Cents } from '../../core/money.js';
import type { ReconcileDocument, ReconcilePeriod, ReconcileSides } from '../../engine/reconcile-types.js';
import type { FlowRuntimeContext } from '../../engine/types.js';
import { parseExactDate } from '../../mapping/transforms/parse-exact-date.js';
import { defaultStatuses, sourceSpecs } from './exact-order-fields.js';
import { ordersSettingsSchema, type OrdersSettings } from './settings.js';

const headerFields = ['InvoiceID', 'InvoiceNumber', 'InvoiceDate', 'Status', 'AmountDC', 'VATAmountDC'];
const lineFields = ['InvoiceID', 'VATPercentage', 'VATAmountDC'];
const listPageSize = 100;

/**
 * Both sides of an orders flow for a period: Exact's sales invoices the flow sends (its statuses, from
 * its documentsFrom), dated in the period, read in bulk with their lines; and Asperion's sales
 * invoices of the period that carry a Koppel reference, read as a list filtered by date. Amounts are
 * the division's currency, as the flow writes them. Only invoices written as invoices compare
 * document for document; the other order types hold no VAT per document to compare.
 */
export async function reconcileOrders(
  ctx: FlowRuntimeContext,
  period: ReconcilePeriod,
): Promise<ReconcileSides> {
  const settings = ordersSettingsSchema.parse(ctx.settings);
  if (settings.source !== 'salesInvoices' || settings.orderType !== 'salesInvoice')
    throw new KoppelError(
      `Reconciliation compares Exact sales invoices with Asperion sales invoices; this flow sends ${settings.source} as ${settings.orderType}`,
      { code: 'reconcile.unsupported', kind: 'invalid' },
    );
  const source = await exactInvoices(exactClientOf(ctx.source), settings, period);
  const target = await asperionInvoices(ctx, period);
  return { source, target };
}

async function exactInvoices(
  client: ExactClient,
  settings: OrdersSettings,
  period: ReconcilePeriod,
): Promise<ReconcileDocument[]> {
  const spec = sourceSpecs.salesInvoices;
  const statuses = new Set(settings.statuses ?? defaultStatuses.salesInvoices);
  // A day either side: Exact compares dates in Amsterdam time, the period is in calendar days.
  const filter = and(
    cmp('InvoiceDate', 'ge', lit.datetime(`${shiftDay(period.from, -1)}T00:00:00`)),
    cmp('InvoiceDate', 'le', lit.datetime(`${shiftDay(period.to, 1)}T00:00:00`)),
  );
  const headers: ExactRow[] = [];
  for await (const page of client.bulkRows(spec.bulk, { select: headerFields, filter }))
    for (const row of page) {
      const date = dateOf(row);
      if (date === null || date < period.from || date > period.to) continue;
      if (!statuses.has(Number(row['Status']))) continue;
      if (settings.documentsFrom !== null && date < settings.documentsFrom) continue;
      headers.push(row);
    }
  const ids = headers.map((h) => String(h['InvoiceID']));
  const vat = new Map<string, Map<string, Cents>>(ids.map((id) => [id, new Map()]));
  if (ids.length > 0)
    for (const line of await client.bulkRowsByIds(
      spec.lines,
      lineFields,
      'InvoiceID',
      ids,
      settings.lookupChunkSize,
    )) {
      const rates = vat.get(String(line['InvoiceID']));
      if (rates) add(rates, rateOf(Number(line['VATPercentage'] ?? 0) * 100), cents(line['VATAmountDC']));
    }
  return headers.map((h) => {
    const id = String(h['InvoiceID']);
    const gross = cents(h['AmountDC']);
    const number = h['InvoiceNumber'];
    return {
      sourceId: id,
      label: `Exact sales invoice${number === null || number === undefined ? '' : ` ${String(number)}`}`,
      date: dateOf(h)!,
      id,
      net: gross - cents(h['VATAmountDC']),
      vat: vat.get(id)!,
      gross,
    };
  });
}

async function asperionInvoices(ctx: FlowRuntimeContext, period: ReconcilePeriod) {
  const client = asperionClientOf(ctx.target);
  const percentages = new Map(
    (await client.vatCodes.list({}, listPageSize)).map((v) => [v.id, v.percentage]),
  );
  const documents: ReconcileDocument[] = [];
  const filter = {
    Date_from: period.from,
    Date_to: period.to,
    Description: '[koppel:',
    Description_comparison: 'Contains',
  };
  for await (const page of client.salesInvoices.pages(filter, listPageSize))
    for (const invoice of page.rows) {
      const sourceId = readKoppelReference(invoice.description);
      if (sourceId !== null) documents.push(asperionDocument(invoice, sourceId, percentages));
    }
  return documents;
}

function asperionDocument(
  invoice: SalesInvoice,
  sourceId: string,
  percentages: Map<string, number>,
): ReconcileDocument {
  const vat = new Map<string, Cents>();
  for (const line of invoice.lines)
    add(vat, rateOf(percentages.get(line.vatCode ?? '') ?? 0), line.vatAmount ?? 0n);
  return {
    sourceId,
    label: `Asperion sales invoice ${invoice.invoiceNumber ?? invoice.id}`,
    date: String(invoice.date).slice(0, 10),
    id: String(invoice.id),
    net: invoice.amountExclVat,
    vat,
    gross: invoice.amountInclVat,
  };
}

function add(rates: Map<string, Cents>, rate: string, amount: Cents): void {
  rates.set(rate, (rates.get(rate) ?? 0n) + amount);
}

/** A percentage as text without float noise: 0.21 × 100 is 21.000000000000004. */
function rateOf(percentage: number): string {
  return String(Math.round(percentage * 100) / 100);
}

const cents = (v: unknown): Cents => (typeof v === 'number' || typeof v === 'string' ? toCents(v) : 0n);

function dateOf(row: ExactRow): string | null {
  const value = row['InvoiceDate'];
  return typeof value === 'string' || typeof value === 'number' ? parseExactDate(value).slice(0, 10) : null;
}

function shiftDay(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
