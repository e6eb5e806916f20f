import { mulDiv } from '../../../core/money.js';
import { cents, money } from '../domain/json-money.js';
import { msg } from '../http/messages.js';
import type { AdministrationData } from '../state/administration-data.js';
import { checkReference } from './check-reference.js';
import { lineItems, readInput } from './read-input.js';
import type { CreateContext, FieldSpec, ResourceDescriptor, SandboxRecord } from './resource-descriptor.js';

const lineFields: FieldSpec[] = [
  { name: 'id', type: 'int', readOnly: true },
  { name: 'articleId', type: 'int', required: true },
  { name: 'description', type: 'string' },
  { name: 'quantity', type: 'decimal', required: true },
  { name: 'price', type: 'decimal' },
];

/**
 * Sales orders (§2.10), inTrade only, and the one API route that moves stock: a delivered order
 * lowers each article's currentStock. Field names are UNCONFIRMED; `delivered` is the sandbox's way to
 * say the goods left.
 */
export const salesOrdersResource: ResourceDescriptor = {
  path: 'SalesOrderWithLines',
  label: 'Sales order',
  packages: ['inTrade'],
  idType: 'int',
  fields: [
    { name: 'id', type: 'int', readOnly: true },
    { name: 'date', type: 'date', required: true },
    { name: 'debtorCustomerNumber', type: 'string', required: true, exact: true },
    { name: 'description', type: 'string' },
    { name: 'delivered', type: 'bool' },
    { name: 'amountExclVat', type: 'decimal', readOnly: true },
    { name: 'dateLastChange', type: 'datetime', readOnly: true },
    { name: 'lines', type: 'lines', required: true },
  ],
  create: createSalesOrder,
  beforeStore: deliver,
};

function createSalesOrder(input: SandboxRecord, ctx: CreateContext): SandboxRecord {
  const number = input['debtorCustomerNumber'];
  const debtor = ctx.data.find('debtors', (d) => d['customerNumber'] === number);
  if (typeof number === 'string' && !debtor) {
    ctx.errors.add(
      'DebtorCustomerNumber',
      msg('unknownReference', { field: 'DebtorCustomerNumber', value: number }),
    );
  }
  if (debtor?.['blocked'] === true)
    ctx.errors.add('DebtorCustomerNumber', msg('blockedDebtor', { value: String(number) }));
  const items = lineItems(input['lines']) ?? [];
  if (input['lines'] !== undefined && items.length === 0)
    ctx.errors.add('Lines', msg('atLeastLines', { count: 1 }));
  let total = 0n;
  const lines = items.map((item, index) => {
    const prefix = `Lines[${index}].`;
    const line = readInput(
      typeof item === 'object' && item !== null ? (item as Record<string, unknown>) : {},
      lineFields,
      ctx.errors,
      prefix,
    );
    const article = checkReference(ctx, `${prefix}ArticleId`, 'articles', line['articleId'], true);
    const price = line['price'] ?? article?.['salesPrice'] ?? 0;
    // quantity and price both in hundredths: one half-up rounding of the product back to cents.
    total += mulDiv(cents(line['quantity']), cents(price), 100n);
    return { description: article?.['description'] ?? null, ...line, price };
  });
  return {
    description: null,
    delivered: false,
    ...input,
    amountExclVat: money(total),
    lines: { _data: lines, _meta: { totalCount: lines.length } },
  };
}

/** Numbers the lines and, for a delivered order, takes the quantities off stock. */
function deliver(record: SandboxRecord, data: AdministrationData): void {
  const holder = record['lines'] as { _data: SandboxRecord[] };
  holder._data = holder._data.map((line) => ({ id: data.nextId('salesorderlines'), ...line }));
  if (record['delivered'] !== true) return;
  for (const line of holder._data) {
    const article = data.get('articles', Number(line['articleId']));
    if (article) article['currentStock'] = money(cents(article['currentStock']) - cents(line['quantity']));
  }
}
