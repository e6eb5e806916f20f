import { randomUUID } from 'node:crypto';
import { mandatoryError, unknownReferenceError } from './business-errors.js';
import type { WriteContext } from './entity-descriptor.js';
import { multiplyDecimal, sumDecimal } from './exact-decimal.js';
import type { StoredRow } from './field-types.js';
import { byId } from './finance-lookups.js';

/**
 * The fields an order or invoice line takes from its item: the item must exist; description,
 * unit, quantity and price default from it; the discount from the header's; the net price is the
 * unit price less the discount fraction, in exact decimals. Answers the item for what the caller fills next.
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
  const discount = Number(line['Discount']);
  const factor = discount === 0 ? 1 : sumDecimal([1, -discount], 6);
  line['NetPrice'] ??= multiplyDecimal(Number(line['UnitPrice']), factor);
  return item;
}
