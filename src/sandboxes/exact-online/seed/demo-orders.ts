import { wallClockMs } from '../amsterdam-time.js';
import { createRecord } from '../entities/entity-store.js';
import type { StoredRecord } from '../entities/entity-store.js';
import { multiplyDecimal } from '../entities/exact-decimal.js';
import type { StoredRow } from '../entities/field-types.js';
import { salesOrdersEntity } from '../entities/sales-orders.js';
import type { Prng } from '../prng.js';
import type { DemoAccount } from './demo-accounts.js';
import { euCountries } from './demo-accounts.js';
import type { DemoItem } from './demo-items.js';
import type { SeedContext } from './seed-context.js';

/** Order status codes (appendix B). */
export const orderStatus = { open: 12, partial: 20, complete: 21, cancelled: 45 } as const;
type OrderStatus = (typeof orderStatus)[keyof typeof orderStatus];

/** One seeded order, as the invoice seed needs it; lines are on the stored record. */
export interface DemoOrder {
  id: string;
  number: number;
  accountId: string;
  /** Wall-clock order date (midnight) and the day it was (or is to be) delivered. */
  orderDate: string;
  deliveryDate: string;
  currency: DemoAccount['currency'];
  status: OrderStatus;
  deliveryStatus: OrderStatus;
  invoiceStatus: OrderStatus;
}

interface OrderPlan {
  count: number;
  firstNumber: number;
  webshop: boolean;
}

const plans: Readonly<Record<number, OrderPlan>> = {
  3215711: { count: 1060, firstNumber: 24001, webshop: false },
  3215712: { count: 220, firstNumber: 80001, webshop: true },
  3215713: { count: 160, firstNumber: 12001, webshop: false },
};

/**
 * Foreign-currency prices per euro (fixed demo rates); the way back is the sandbox's
 * `exchangeRates` setting, which books the orders' euro amounts.
 */
const rates: Readonly<Record<string, { perEuro: number }>> = {
  USD: { perEuro: 1.08 },
  GBP: { perEuro: 0.86 },
};

/** More bikes are sold in spring and summer: relative weight per calendar month (1–12). */
const season = [0, 0.55, 0.6, 0.9, 1.1, 1.2, 1.15, 1.1, 1.0, 0.9, 0.75, 0.65, 0.85];

const day = 86_400_000;

function addDays(date: string, days: number): string {
  return new Date(wallClockMs(`${date}T00:00:00.000`) + days * day).toISOString().slice(0, 10);
}

/** Order moments in the 365 days up to now, weighted by season, oldest first. */
function orderMoments(prng: Prng, ctx: SeedContext, count: number, webshop: boolean): string[] {
  const moments: string[] = [];
  const today = wallClockMs(ctx.now);
  while (moments.length < count) {
    // Day arithmetic on wall-clock time, so a DST change never shifts a date.
    const date = new Date(today - prng.int(0, 364) * day).toISOString().slice(0, 10);
    if (prng.next() * 1.2 > (season[Number(date.slice(5, 7))] ?? 1)) continue;
    const weekday = new Date(`${date}T12:00:00Z`).getUTCDay();
    if (!webshop && weekday === 0) continue;
    const hour = webshop ? prng.int(7, 23) : prng.int(9, 17);
    const time = `${String(hour).padStart(2, '0')}:${String(prng.int(0, 59)).padStart(2, '0')}:${String(prng.int(0, 59)).padStart(2, '0')}`;
    const moment = `${date}T${time}.000`;
    if (moment <= ctx.now) moments.push(moment);
  }
  return moments.sort();
}

/** How far an order has got, from its age: old ones are done, recent ones still open. */
function statusFor(prng: Prng, ageDays: number): 'open' | 'partial' | 'complete' | 'cancelled' {
  const r = prng.next();
  if (ageDays > 60) return r < 0.9 ? 'complete' : r < 0.97 ? 'cancelled' : 'partial';
  if (ageDays > 14) return r < 0.6 ? 'complete' : r < 0.82 ? 'partial' : r < 0.93 ? 'open' : 'cancelled';
  return r < 0.5 ? 'open' : r < 0.75 ? 'partial' : r < 0.95 ? 'complete' : 'cancelled';
}

function lineVatCode(home: string, account: DemoAccount, item: DemoItem): string {
  if (account.country === home || item.vatCode === 'V0') return item.vatCode;
  if (!euCountries.includes(account.country)) return 'EX';
  if (account.kind === 'company') return item.stock ? 'ICL' : 'ICD';
  // EU private customers pay the destination's VAT through OSS (reference 7.13).
  return `O${account.country[0]}${item.vatCode === 'VL' ? 'L' : 'H'}`;
}

function quantity(prng: Prng, item: DemoItem, company: boolean): number {
  if (item.unit === 'hour') return prng.pick([0.5, 1, 1.5, 2, 3]);
  if (item.unit === 'day') return prng.int(1, 7);
  if (item.unit === 'month') return prng.int(1, 12);
  if (item.group === 'FIETS' || item.group === 'EBIKE') return company ? prng.int(1, 4) : 1;
  if (item.price < 2) return prng.pick([12, 36, 72]);
  return company ? prng.pick([1, 2, 4, 5, 10, 20]) : prng.int(1, 3);
}

function aggregate(statuses: OrderStatus[]): OrderStatus {
  if (statuses.every((s) => s === orderStatus.complete)) return orderStatus.complete;
  if (statuses.every((s) => s === orderStatus.open)) return orderStatus.open;
  return orderStatus.partial;
}

function lineStatus(done: number, total: number): OrderStatus {
  return done === 0 ? orderStatus.open : done >= total ? orderStatus.complete : orderStatus.partial;
}

/**
 * What Exact's own processes (goods deliveries, invoicing, cancelling) would have done to the
 * order: quantities delivered and invoiced per line and the statuses that follow from them.
 */
function progress(prng: Prng, record: StoredRecord, state: ReturnType<typeof statusFor>): void {
  const lines = record.children['SalesOrderLines'] ?? [];
  const n = lines.length;
  let delivered = 0;
  let invoiced = 0;
  if (state === 'complete') [delivered, invoiced] = [n, n];
  if (state === 'partial') {
    delivered = prng.int(1, n);
    invoiced = delivered === n ? prng.int(0, n - 1) : prng.int(0, delivered);
  }
  if (state === 'cancelled') {
    for (const line of lines) {
      Object.assign(line, { DeliveryStatus: 45, InvoiceStatus: 45, OrderStatus: 45 });
    }
    Object.assign(record.row, { Status: 45, DeliveryStatus: 45, InvoiceStatus: 45 });
    return;
  }
  lines.forEach((line, i) => {
    const qty = Number(line['Quantity']);
    const qd = i < delivered ? qty : 0;
    const qi = i < invoiced ? qty : 0;
    const ds = lineStatus(qd, qty);
    const is = lineStatus(qi, qty);
    Object.assign(line, {
      QuantityDelivered: qd,
      QuantityInvoiced: qi,
      DeliveryStatus: ds,
      InvoiceStatus: is,
      OrderStatus: aggregate([ds, is]),
    });
  });
  const deliveryStatus = aggregate(lines.map((l) => l['DeliveryStatus'] as OrderStatus));
  const invoiceStatus = aggregate(lines.map((l) => l['InvoiceStatus'] as OrderStatus));
  Object.assign(record.row, {
    DeliveryStatus: deliveryStatus,
    InvoiceStatus: invoiceStatus,
    Status: aggregate([deliveryStatus, invoiceStatus]),
  });
}

function weighted<T>(entries: Array<[T, number]>): T[] {
  return entries.flatMap(([value, weight]) => Array.from({ length: weight }, () => value));
}

/** A year of sales orders for the division, in every status, created through the store. */
export function seedSalesOrders(
  ctx: SeedContext,
  accounts: readonly DemoAccount[],
  items: readonly DemoItem[],
): DemoOrder[] {
  const plan = plans[ctx.division.code];
  if (!plan) return [];
  const prng = ctx.prng('orders');
  const home = ctx.division.country;
  const customers = weighted(
    accounts
      .filter((a) => a.status === 'C' && !a.blocked)
      .map((a): [DemoAccount, number] => [
        a,
        a.kind === 'company' ? (plan.webshop ? 2 : 4) : plan.webshop ? 4 : 2,
      ]),
  );
  const goods = weighted(
    items
      .filter((i) => i.group !== 'DIENST' && i.group !== 'VERHUUR' && i.group !== 'OVERIG')
      .map((i): [DemoItem, number] => [i, i.group === 'FIETS' || i.group === 'EBIKE' ? 1 : 3]),
  );
  const services = items.filter((i) => i.group === 'DIENST' || i.group === 'VERHUUR');
  const shipping = items.find((i) => i.code === 'VERZEND');
  const voucher = items.find((i) => i.code === 'BON-50');
  const moments = orderMoments(prng, ctx, plan.count, plan.webshop);
  const orders: DemoOrder[] = [];
  for (const [index, moment] of moments.entries()) {
    const account = prng.pick(customers);
    const company = account.kind === 'company';
    const local = account.country === home;
    const lineCount = prng.pick(company ? [1, 1, 2, 2, 3, 3, 4, 4, 5, 6, 7, 8] : [1, 1, 1, 2, 2, 3, 4]);
    const chosen = new Set<DemoItem>();
    while (chosen.size < lineCount) {
      const workshop = local && services.length > 0 && prng.int(0, 5) === 0;
      chosen.add(workshop ? prng.pick(services) : prng.pick(goods));
    }
    if (!company && voucher && prng.int(0, 40) === 0) chosen.add(voucher);
    if (plan.webshop && !company && shipping && chosen.size < 8) chosen.add(shipping);
    const rate = rates[account.currency];
    const discount = company && account.paymentCondition === '30' && prng.int(0, 2) === 0 ? 0.1 : 0;
    const lines = [...chosen].map((item) => ({
      ID: prng.guid(),
      Item: item.id,
      Quantity: item === shipping || item === voucher ? 1 : quantity(prng, item, company),
      UnitPrice: rate ? multiplyDecimal(item.price, rate.perEuro) : item.price,
      Discount: item.group === 'OVERIG' ? 0 : discount,
      VATCode: lineVatCode(home, account, item),
    }));
    const orderDate = `${moment.slice(0, 10)}T00:00:00.000`;
    const ageDays = Math.floor((wallClockMs(ctx.now) - wallClockMs(moment)) / day);
    const state = statusFor(prng, ageDays);
    const planned = addDays(moment.slice(0, 10), company ? prng.int(2, 14) : prng.int(1, 5));
    // Delivered orders went out by today at the latest.
    const shipped = state === 'complete' || state === 'partial';
    const today = ctx.now.slice(0, 10);
    const deliveryDate = shipped && planned > today ? today : planned;
    const number = plan.firstNumber + index;
    const webOrder = plan.webshop || (!company && prng.int(0, 1) === 0);
    const row: StoredRow = {
      OrderID: prng.guid(),
      OrderNumber: number,
      OrderedBy: account.id,
      OrderDate: orderDate,
      DeliveryDate: `${deliveryDate}T00:00:00.000`,
      Currency: account.currency,
      PaymentCondition: account.paymentCondition,
      Description: webOrder
        ? 'Webshop order'
        : company
          ? prng.pick(['Bestelling', 'Bestelling voorraad', 'Nalevering', 'Bestelling showroom'])
          : prng.pick(['Winkelverkoop', 'Werkplaatsorder', 'Bestelling']),
      YourRef: webOrder
        ? `WS${moment.slice(2, 4)}-${String(10000 + number * 7).slice(-5)}`
        : company && prng.int(0, 9) < 6
          ? `PO-${prng.int(10000, 99999)}`
          : null,
      Remarks: prng.int(0, 14) === 0 ? 'Graag vooraf bellen voor levering.' : null,
    };
    const record = createRecord(
      salesOrdersEntity,
      ctx.data,
      { row, children: { SalesOrderLines: lines } },
      moment,
      ctx.settings,
    );
    progress(prng, record, state);
    if (state !== 'open') {
      // The order was last touched when it was delivered or cancelled, never after now.
      const touched = `${deliveryDate}T16:${String(prng.int(10, 59))}:00.000`;
      record.row['Modified'] = touched < ctx.now && touched > moment ? touched : moment;
    }
    orders.push({
      id: String(row['OrderID']),
      number,
      accountId: account.id,
      orderDate,
      deliveryDate: `${deliveryDate}T00:00:00.000`,
      currency: account.currency,
      status: record.row['Status'] as OrderStatus,
      deliveryStatus: record.row['DeliveryStatus'] as OrderStatus,
      invoiceStatus: record.row['InvoiceStatus'] as OrderStatus,
    });
  }
  return orders;
}
