import { cents, money } from '../domain/json-money.js';
import type { LineVat } from '../domain/vat-amounts.js';
import { lineVat } from '../domain/vat-amounts.js';
import { msg } from '../http/messages.js';
import { checkReference } from './check-reference.js';
import { lineItems, readInput } from './read-input.js';
import type { CreateContext, FieldSpec, SandboxRecord } from './resource-descriptor.js';

/**
 * Line fields (§2.4). articleId and salesTypeId are sandbox additions for the article and sales-type
 * lines the app knows (§2.10, §S11): an article supplies its sales type, a sales type its ledger
 * account and VAT code.
 */
export const salesLineFields: FieldSpec[] = [
  { name: 'id', type: 'int', readOnly: true },
  { name: 'description', type: 'string' },
  { name: 'amount', type: 'decimal', required: true },
  { name: 'articleId', type: 'int' },
  { name: 'salesTypeId', type: 'int' },
  { name: 'ledgerAccountId', type: 'int' },
  { name: 'vatCode', type: 'string' },
  { name: 'vatAmount', type: 'decimal' },
  { name: 'costCenterId', type: 'int' },
  { name: 'costUnitId', type: 'int' },
];

/**
 * Checks and completes the lines of a sales invoice: each needs a usable ledger account and a sales VAT
 * code valid on the invoice date; the server computes each line's VAT unless serverComputesVat is off
 * and the client sent one (§6.4).
 */
export function readSalesLines(
  value: unknown,
  invoiceDate: string | undefined,
  ctx: CreateContext,
): Array<{ record: SandboxRecord; vat: LineVat }> {
  const items = lineItems(value);
  if (!items || items.length === 0) {
    if (value !== undefined) ctx.errors.add('Lines', msg('atLeastLines', { count: 1 }));
    return [];
  }
  return items.map((item, index) => {
    const prefix = `Lines[${index}].`;
    if (typeof item !== 'object' || item === null) {
      ctx.errors.add(`Lines[${index}]`, msg('badBody'));
      return { record: {}, vat: { exclVat: 0n, vat: 0n } };
    }
    const line = readInput(item as Record<string, unknown>, salesLineFields, ctx.errors, prefix);
    const article = checkReference(ctx, `${prefix}ArticleId`, 'articles', line['articleId'], true);
    line['salesTypeId'] ??= article?.['salesTypeId'];
    line['description'] ??= article?.['description'];
    const salesType = checkReference(ctx, `${prefix}SalesTypeId`, 'salestypes', line['salesTypeId']);
    line['ledgerAccountId'] ??= salesType?.['ledgerAccountId'];
    line['vatCode'] ??= salesType?.['vatCode'];
    if (line['ledgerAccountId'] === undefined)
      ctx.errors.add(`${prefix}LedgerAccountId`, msg('required', { field: 'LedgerAccountId' }));
    else checkReference(ctx, `${prefix}LedgerAccountId`, 'ledgeraccounts', line['ledgerAccountId'], true);
    checkReference(ctx, `${prefix}CostCenterId`, 'costcenters', line['costCenterId']);
    checkReference(ctx, `${prefix}CostUnitId`, 'costunits', line['costUnitId']);
    const percentage = checkVatCode(ctx, `${prefix}VatCode`, line['vatCode'], invoiceDate);

    const computed = lineVat(cents(line['amount']), percentage ?? 0, ctx.settings.salesLineAmountIncludesVat);
    const sent = line['vatAmount'];
    let vat: LineVat = computed;
    if (!ctx.settings.serverComputesVat && typeof sent === 'number') {
      const off = cents(sent) - computed.vat;
      if ((off < 0n ? -off : off) > cents(ctx.settings.clientVatTolerance))
        ctx.errors.add(
          `${prefix}VatAmount`,
          msg('vatAmountOff', { value: String(sent), expected: money(computed.vat).toFixed(2) }),
        );
      else vat = { exclVat: computed.exclVat, vat: cents(sent) };
    }
    const record: SandboxRecord = {
      description: null,
      articleId: null,
      salesTypeId: null,
      costCenterId: null,
      costUnitId: null,
      ...line,
      vatAmount: money(vat.vat),
    };
    return { record, vat };
  });
}

/** A sales VAT code that exists and is valid on the date; returns its percentage. */
function checkVatCode(
  ctx: CreateContext,
  key: string,
  code: unknown,
  date: string | undefined,
): number | undefined {
  if (code === undefined || code === null) {
    ctx.errors.add(key, msg('required', { field: 'VatCode' }));
    return undefined;
  }
  const vat = checkReference(ctx, key, 'vatcodes', code);
  if (!vat) return undefined;
  if (vat['salesCode'] !== true) ctx.errors.add(key, msg('notSalesVatCode', { value: String(code) }));
  if (date && !isValidOn(vat, date))
    ctx.errors.add(key, msg('vatNotValidOnDate', { value: String(code), date: date.slice(0, 10) }));
  const percentage = vat['percentage'];
  return typeof percentage === 'number' ? percentage : undefined;
}

/** validFrom and validUntil are inclusive and either may be open (§2.7). */
export function isValidOn(vatCode: SandboxRecord, date: string): boolean {
  const day = date.slice(0, 10);
  const from = vatCode['validFrom'];
  const until = vatCode['validUntil'];
  if (typeof from === 'string' && day < from.slice(0, 10)) return false;
  if (typeof until === 'string' && day > until.slice(0, 10)) return false;
  return true;
}
