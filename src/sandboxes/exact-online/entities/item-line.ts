import { randomUUID } from 'node:crypto';
import { mandatoryError, unknownReferenceError } from './business-errors.js';
import type { WriteContext } from './entity-descriptor.js';
import { discountFactor, lineAmount, multiplyDecimal, roundingOf } from './exact-decimal.js';
import type { StoredRow } from './field-types.js';
import { byId } from './finance-lookups.js';

/**
 * The fields an order or invoice line takes from its item: the item must exist; description,
 * unit, quantity and price default from it; the discount from the header's; the net price is the
 * unit price less the discount fraction, in exact decimals (kept to 6 places, never to the cent:
 * the amount is rounded once, see `itemLineAmount`). Answers the item for what the caller fills next.
 */
export function completeItemLine(
  line: StoredRow,
  header: StoredRow,
  index: number,
  ctx: WriteContext,
): StoredRow {
  if (typeof line['Item'] !== 'string') throw mandatoryError(ctx.settings, 'Item');
  // A keyed lookup: this runs for every line the seed and the benchmarks write.
  const item = byId(ctx, 'logistics/Items', line['Item']);
  if (!item) throw unknownReferenceError(ctx.settings, 'Item');
  line['ID'] ??= randomUUID();
  line['LineNumber'] = index + 1;
  line['ItemCode'] = item['Code'] ?? null;
  line['ItemDescription'] = item['Description'] ?? null;
  line['Description'] ??= item['Description'] ?? null;
  line['UnitCode'] ??= item['Unit'] ?? null;
  line['Quantity'] ??= 1;
  line['UnitPrice'] ??= item['StandardSalesPrice'] ?? 0;
  // An order-level discount is the discount of the lines that name none (setting headerDiscountOnLines).
  const headerDiscount = ctx.settings.headerDiscountOnLines ? Number(header['Discount'] ?? 0) : 0;
  line['Discount'] ??= Number.isFinite(headerDiscount) ? headerDiscount : 0;
  line['NetPrice'] ??= derivedNetPrice(line);
  return item;
}

function derivedNetPrice(line: StoredRow): number {
  return multiplyDecimal(Number(line['UnitPrice']), discountFactor(Number(line['Discount'] ?? 0)), 6);
}

/**
 * A line's AmountFC: quantity × unit price × (1 − discount), exact, rounded once to the cent
 * (setting `amountRounding`). A net price the caller posted that is not the one the unit price and
 * discount give is taken as it is: quantity × net price, rounded once.
 */
export function itemLineAmount(line: StoredRow, ctx: WriteContext): number {
  const mode = roundingOf(ctx.settings.amountRounding);
  const quantity = Number(line['Quantity']);
  const netPrice = Number(line['NetPrice']);
  if (netPrice !== derivedNetPrice(line)) return multiplyDecimal(quantity, netPrice, 2, mode);
  return lineAmount(quantity, Number(line['UnitPrice']), Number(line['Discount'] ?? 0), mode);
}
