import { isSendableAmount } from '../../connectors/asperion/wire.js';
import { isIsoCountryCode } from '../../core/countries.js';
import { KoppelError, labelled } from '../../core/errors.js';
import { formatCents, toCents } from '../../core/money.js';
import type { ArticleResolver } from './article-resolver.js';
import type { OrderCustomerFields, OrderFields, OrderLineFields } from './order-payload.js';
import type { OrdersSettings } from './settings.js';
import type { AsperionVatCodes } from './asperion-vat-codes.js';
import { chooseVatCode, destinationLabels, destinationOf, fromValueMap, vatCodeFor } from './tax-rules.js';

/** An order line with every reference resolved: what any of the three order types is built from. */
export interface ResolvedLine {
  description: string;
  quantity: number;
  /** Net unit price and net amount, decimal strings. */
  price: string | null;
  amount: string;
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
  for (const [index, line] of order.lines.entries()) {
    const where = `${label} line ${index + 1}`;
    const rule = vatCodeFor(line.vatCode, destination, shipTo, settings.vatByCountry);
    const rates =
      line.vatCode !== undefined && rule !== undefined && rule !== line.vatCode
        ? await vatCodes.all()
        : undefined;
    const { code: vatCode, setAside } = chooseVatCode(
      line.vatCode,
      rule,
      settings.vatByCountry.override,
      (code) => rates?.get(code)?.percentage,
    );
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
      price: line.price ?? null,
      amount: line.amount,
      articleId: article?.active ? article.id : null,
      ledgerAccountId,
      vatCode,
      shipping,
    });
  }
  return resolved;
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
