import { KoppelError } from '../../core/errors.js';
import type { ArticleResolver } from './article-resolver.js';
import type { OrderFields, OrderLineFields } from './order-payload.js';
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

/**
 * Resolves VAT code and revenue account per line for the destination (domestic, EU business,
 * EU consumer, export), shipping lines onto their account or article, and articles by SKU.
 */
export interface LineResolvers {
  articles: ArticleResolver;
  vatCodes: AsperionVatCodes;
  /** Adds a step to the order's activity (e.g. why Exact's VAT code was kept). */
  note: (step: string, detail: string) => void;
}

export async function resolveLines(
  order: OrderFields,
  settings: OrdersSettings,
  { articles, vatCodes, note }: LineResolvers,
  sourceId: string,
): Promise<ResolvedLine[]> {
  // The customer's own (billing) country decides, as Exact's VAT code selection does: a Dutch
  // customer with a Dutch VAT number pays Dutch VAT even when the goods go to an address abroad,
  // so the flow books what Exact invoiced.
  const shipTo = order.customer?.billing?.country ?? order.customer?.shipping?.country;
  const destination = destinationOf(shipTo, order.customer?.vatNumber, settings.homeCountry);
  if (!Array.isArray(order.lines) || order.lines.length === 0)
    throw new KoppelError(`Order ${sourceId} has no lines`, { code: 'orders.no_lines', kind: 'invalid' });
  const resolved: ResolvedLine[] = [];
  for (const [index, line] of order.lines.entries()) {
    const where = `order ${sourceId} line ${index + 1}`;
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
        `${where} has no VAT code: add its Exact code to the mapping's vatCodes value map`,
        'orders.no_vat_code',
      );
    const shipping = line.sku !== undefined && settings.shipping.itemCodes.includes(line.sku);
    const articleCode = shipping
      ? (order.shippingArticleCode ?? settings.shipping.articleCode)
      : (line.sku ?? null);
    const article = articleCode === null ? null : await articles.byCode(articleCode, line, where);
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

function lineDescription(line: OrderLineFields): string {
  const text = line.description ?? line.sku ?? '';
  return line.quantity !== undefined && line.quantity !== 1 ? `${line.quantity} x ${text}` : text;
}

export function invalid(message: string, code: string): KoppelError {
  return new KoppelError(message, { code, kind: 'invalid' });
}
