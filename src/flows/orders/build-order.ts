import { isSendableAmount } from '../../connectors/asperion/wire.js';
import { isIsoCountryCode } from '../../core/countries.js';
import { KoppelError, labelled } from '../../core/errors.js';
import { formatCents, mulDiv, toCents, type Cents } from '../../core/money.js';
import type { VatCode } from '../../connectors/asperion/resource-types.js';
import type { ArticleResolver } from './article-resolver.js';
import type { OrderCustomerFields, OrderFields, OrderLineFields } from './order-payload.js';
import type { OrdersSettings } from './settings.js';
import type { AsperionVatCodes } from './asperion-vat-codes.js';
import { chooseVatCode, destinationLabels, destinationOf, fromValueMap, vatCodeFor } from './tax-rules.js';

/** An order line with every reference resolved: what any of the three order types is built from. */
export interface ResolvedLine {
  description: string;
  quantity: number;
  /** Net unit price and net amount, decimal strings, in euro. */
  price: string | null;
  amount: string;
  /**
   * The VAT Exact charged on the line, when the line's VAT code has Exact's rate in Asperion: sent
   * with the line so Asperion books Exact's VAT to the cent. null: Asperion computes it.
   */
  vatAmount: string | null;
  articleId: number | null;
  ledgerAccountId: number;
  vatCode: string;
  shipping: boolean;
}

export interface ResolvedOrder {
  date: string;
  description: string;
  journalId: string | null;
  paymentConditionId: number | null;
  debtorCustomerNumber: string;
  debtorId: number;
  lines: ResolvedLine[];
}

export interface LineResolvers {
  articles: ArticleResolver;
  vatCodes: AsperionVatCodes;
  /** Adds a step to the order's activity (e.g. why Exact's VAT code was kept). */
  note: (step: string, detail: string) => void;
  /** Look every article up afresh: Asperion refused one the pair remembered. */
  freshArticles?: boolean;
}

/**
 * Resolves VAT code and revenue account per line for the destination (domestic, EU business,
 * EU consumer, export), shipping lines onto their account or article, and articles by SKU.
 * `label` names the order in errors (`describeOrder`).
 */
export async function resolveLines(
  order: OrderFields,
  settings: OrdersSettings,
  { articles, vatCodes, note, freshArticles = false }: LineResolvers,
  label: string,
): Promise<ResolvedLine[]> {
  if (!Array.isArray(order.lines) || order.lines.length === 0)
    throw invalid(`${label} has no lines: add them in Exact, then replay it`, 'orders.no_lines');
  checkAmounts(order.lines, label);
  // The customer's own (billing) country decides, as Exact's VAT code selection does: a Dutch
  // customer with a Dutch VAT number pays Dutch VAT even when the goods go to an address abroad,
  // so the flow books what Exact invoiced.
  const shipTo = customerCountry(order.customer, label);
  const destination = destinationOf(shipTo, order.customer?.vatNumber, settings.homeCountry);
  const resolved: ResolvedLine[] = [];
  // OSS VAT booked on settings.oss.vatPayableAccountId, per rate (hundredths of a percent).
  const ossVat = new Map<number, Cents>();
  const foreign = isForeignCurrency(order.currency);
  for (const [index, line] of order.lines.entries()) {
    const where = `${label} line ${index + 1}`;
    const rule = vatCodeFor(line.vatCode, destination, shipTo, settings.vatByCountry);
    const charged = chargedRate(line);
    const rates =
      charged !== undefined || (line.vatCode !== undefined && rule !== undefined && rule !== line.vatCode)
        ? await vatCodes.all()
        : undefined;
    const rateOf = (code: string | undefined) => {
      const percentage = code === undefined ? undefined : rates?.get(code)?.percentage;
      return percentage === undefined ? undefined : Math.round(percentage * 100);
    };
    let { code: vatCode, setAside } = chooseVatCode(
      line.vatCode,
      rule,
      settings.vatByCountry.override,
      (code) => rates?.get(code)?.percentage,
    );
    // An EU consumer billed the destination's VAT (One-Stop-Shop) on a code of another rate
    // (the default mapping's N0): that VAT goes on the destination's code, else on the OSS
    // account, never nowhere.
    if (
      destination === 'euB2c' &&
      charged !== undefined &&
      rates !== undefined &&
      vatCode !== undefined &&
      rateOf(vatCode) !== charged &&
      settings.vatByCountry.override !== 'always'
    ) {
      const oss = ossVatCode(shipTo, charged, order.date, rates, settings);
      if (oss !== undefined) [vatCode, setAside] = [oss, undefined];
      else if (settings.oss.vatPayableAccountId !== null)
        ossVat.set(charged, (ossVat.get(charged) ?? 0n) + exactVat(line, charged));
      else
        throw invalid(
          `${where}: Exact charged ${percent(charged)} VAT to an EU consumer in ${shipTo} (One-Stop-Shop) and Asperion has no sales VAT code for ${shipTo} at ${percent(charged)} valid on ${order.date}: add one in Asperion, or set settings.oss.vatPayableAccountId to book this VAT on an OSS VAT-payable account`,
          'orders.oss_vat_code_missing',
        );
    }
    if (setAside !== undefined)
      note(
        'vat-code-kept',
        `${where}: kept Exact's VAT code (${vatCode}) rather than ${setAside} for ${destinationLabels[destination]}, since the rates differ and the VAT booked must match Exact's (settings.vatByCountry.override)`,
      );
    if (!vatCode)
      throw invalid(
        `${where} has no VAT code in Exact (neither the line nor the customer's SalesVATCode has one)`,
        'orders.no_vat_code',
      );
    const shipping = line.sku !== undefined && settings.shipping.itemCodes.includes(line.sku);
    const articleCode = shipping
      ? (order.shippingArticleCode ?? settings.shipping.articleCode)
      : (line.sku ?? null);
    const article =
      articleCode === null ? null : await articles.byCode(articleCode, line, where, { fresh: freshArticles });
    const ledgerAccountId =
      (shipping ? settings.shipping.ledgerAccountId : null) ??
      fromValueMap(settings.revenueAccountByCountry, shipTo) ??
      fromValueMap(settings.revenueAccountByVatCode, vatCode);
    if (ledgerAccountId === undefined)
      throw invalid(
        `${where}: no revenue account for VAT code ${vatCode} (settings.revenueAccountByVatCode)`,
        'orders.no_ledger_account',
      );
    resolved.push({
      description:
        shipping && order.shippingMethod
          ? `${lineDescription(line)} (${order.shippingMethod})`
          : lineDescription(line),
      quantity: line.quantity ?? 1,
      // A foreign document's unit price is in its currency: the euro price is the euro amount's.
      price: foreign ? euroUnitPrice(line) : (line.price ?? null),
      amount: line.amount,
      vatAmount:
        charged !== undefined && rateOf(vatCode) === charged ? formatCents(exactVat(line, charged)) : null,
      articleId: article?.active ? article.id : null,
      ledgerAccountId,
      vatCode,
      shipping,
    });
  }
  for (const [rate, vat] of ossVat)
    resolved.push({
      description: `OSS VAT ${shipTo} ${percent(rate)}`,
      quantity: 1,
      price: null,
      amount: formatCents(vat),
      vatAmount: formatCents(0n),
      articleId: null,
      ledgerAccountId: settings.oss.vatPayableAccountId!,
      vatCode: settings.oss.vatLineVatCode,
      shipping: false,
    });
  return resolved;
}

/** Exact's VAT rate of a line in hundredths of a percent (2100 for 21 %), when the source gives it. */
function chargedRate(line: OrderLineFields): number | undefined {
  const rate = line.vatPercentage;
  return typeof rate === 'number' && Number.isFinite(rate) ? Math.round(rate * 10_000) : undefined;
}

/** `21%`, `5.5%`: a rate in hundredths of a percent, for messages. */
function percent(rate: number): string {
  return `${rate / 100}%`;
}

/**
 * The VAT Exact charged on a line, in cents: its own VAT amount when the source has it, else the
 * amount at the rate rounded half-up once per line, as Exact and Asperion both compute it.
 */
function exactVat(line: OrderLineFields, rate: number): Cents {
  if (line.vatAmount !== undefined) return toCents(line.vatAmount);
  return mulDiv(toCents(line.amount), BigInt(rate), 10_000n);
}

/**
 * The Asperion code for an EU consumer's VAT at the destination's rate: the `vatByCountry.euB2c`
 * entry of the country when it has that rate, else a sales code of that country and rate valid on
 * the order date (the default code first, then by id); undefined when there is none.
 */
export function ossVatCode(
  country: string,
  rate: number,
  date: string,
  codes: ReadonlyMap<string, VatCode>,
  settings: OrdersSettings,
): string | undefined {
  const hasRate = (code: VatCode | undefined) =>
    code !== undefined && Math.round(code.percentage * 100) === rate;
  const entry = settings.vatByCountry.euB2c.entries[country];
  if (entry !== undefined && hasRate(codes.get(entry))) return entry;
  const day = date.slice(0, 10);
  const fitting = [...codes.values()].filter(
    (c) =>
      c.salesCode &&
      hasRate(c) &&
      c.countryCode?.toUpperCase() === country &&
      (c.validFrom === null || c.validFrom.slice(0, 10) <= day) &&
      (c.validUntil === null || c.validUntil.slice(0, 10) >= day),
  );
  fitting.sort((a, b) => Number(b.isDefault) - Number(a.isDefault) || a.id.localeCompare(b.id));
  return fitting[0]?.id;
}

/** Asperion books in euro: a document in any other currency is foreign. */
export function isForeignCurrency(currency: string | undefined): boolean {
  return currency !== undefined && currency.trim() !== '' && currency.trim().toUpperCase() !== 'EUR';
}

/** A foreign line's unit price in euro: its euro amount over its quantity, to the cent (half-up). */
function euroUnitPrice(line: OrderLineFields): string | null {
  const millionths = toCents(line.quantity ?? 1, 'half-up', 6);
  if (millionths === 0n) return null;
  return formatCents(mulDiv(toCents(line.amount), 1_000_000n, millionths));
}

/**
 * The order's description in Asperion. A document in another currency than the euro is booked in
 * euro (Exact's DC amounts) with what the customer was billed named after it
 * (`… (USD 130.00 = EUR 120.37 incl. VAT)`), or, with `foreignCurrency: refuse`, fails.
 */
export function orderDescription(order: OrderFields, settings: OrdersSettings, label: string): string {
  const description = order.description ?? '';
  if (!isForeignCurrency(order.currency)) return description;
  const currency = order.currency!.trim().toUpperCase();
  if (settings.foreignCurrency === 'refuse')
    throw invalid(
      `${label} is in ${currency}, and this flow books only euro documents (settings.foreignCurrency is refuse): book it by hand in Asperion, or set foreignCurrency to convert to send Exact's euro amounts`,
      'orders.foreign_currency',
    );
  const lines = Array.isArray(order.lines) ? order.lines : [];
  const sum = (amounts: Array<string | undefined>) =>
    amounts.reduce((total, a) => total + (a === undefined ? 0n : toCents(a)), 0n);
  const billed = sum(lines.flatMap((l) => [l.amountInCurrency, l.vatInCurrency]));
  const inEuro = lines.reduce((total, l) => {
    const rate = chargedRate(l);
    return total + toCents(l.amount) + (rate === undefined ? 0n : exactVat(l, rate));
  }, 0n);
  const shown = `(${currency} ${formatCents(billed)} = EUR ${formatCents(inEuro)} incl. VAT)`;
  return description === '' ? shown : `${description} ${shown}`;
}

/**
 * The customer's country (billing, else delivery address) in capitals. Without a country, or with
 * one that is no ISO code ("Nederland", "XX"), the VAT rules cannot tell domestic from EU or export
 * and Asperion's debtor needs one: the order fails and says whose country to fix in Exact.
 */
function customerCountry(customer: OrderCustomerFields | undefined, label: string): string {
  const raw = customer?.billing?.country ?? customer?.shipping?.country;
  const country = raw?.trim().toUpperCase() ?? '';
  if (country === '')
    throw invalid(
      `${label}: ${describeCustomer(customer)} has no country in its address; the VAT rules (domestic, EU or export) need one: fill in the account's country in Exact`,
      'orders.no_country',
    );
  if (!isIsoCountryCode(country))
    throw invalid(
      `${label}: ${describeCustomer(customer)} has country "${raw}", which is no ISO 3166 country code (such as NL or BE), so the VAT rules cannot place it: correct the account's country in Exact`,
      'orders.unknown_country',
    );
  return country;
}

/**
 * Every line amount and the order's net total must fit what Asperion takes exactly (a JSON number
 * with cents, under 10 trillion): a larger amount fails the order rather than arrive rounded.
 */
function checkAmounts(lines: readonly OrderLineFields[], label: string): void {
  let total = 0n;
  for (const [index, line] of lines.entries()) {
    const cents = toCents(line.amount);
    if (!isSendableAmount(cents))
      throw invalid(
        `${label} line ${index + 1}: amount ${formatCents(cents)} is more than Asperion can take exactly (at most 9999999999999.99)`,
        'orders.amount_too_large',
      );
    total += cents;
  }
  if (!isSendableAmount(total))
    throw invalid(
      `${label}: total ${formatCents(total)} excl. VAT is more than Asperion can take exactly (at most 9999999999999.99)`,
      'orders.amount_too_large',
    );
}

/** `customer 1234 "Jan de Vries"`: the Exact account code and name, for messages. */
export function describeCustomer(customer: OrderCustomerFields | undefined): string {
  if (!customer) return 'the customer';
  const name = customer.company ?? customer.name;
  return ['customer', customer.number, name === undefined ? undefined : `"${name}"`]
    .filter((part) => part !== undefined)
    .join(' ');
}

function lineDescription(line: OrderLineFields): string {
  const text = line.description ?? line.sku ?? '';
  return line.quantity !== undefined && line.quantity !== 1 ? `${line.quantity} x ${text}` : text;
}

/** Runs `work` for one order, its errors named after the order (`labelled`). */
export const aboutOrder = labelled;

export function invalid(message: string, code: string): KoppelError {
  return new KoppelError(message, { code, kind: 'invalid' });
}
