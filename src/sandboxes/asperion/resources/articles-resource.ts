import type { FieldErrors } from '../http/field-errors.js';
import { msg } from '../http/messages.js';
import { property } from './read-input.js';
import type { CreateContext, ResourceDescriptor, SandboxRecord } from './resource-descriptor.js';
import { anyPackage, extraPropertiesKey } from './resource-descriptor.js';
import { checkReference } from './check-reference.js';

/** ActiveState values; the real names are UNCONFIRMED (§6.4), these follow the app's wording. */
export const activeStates = ['Active', 'Inactive', 'All'] as const;

/**
 * Articles (§2.10): unique code, a sales type that decides ledger account and VAT, and a stock level
 * that only the app and inTrade sales orders move, so `currentStock` is read-only.
 */
export const articlesResource: ResourceDescriptor = {
  path: 'articles',
  label: 'Article',
  packages: anyPackage,
  idType: 'int',
  fields: [
    { name: 'id', type: 'int', readOnly: true },
    { name: 'code', type: 'string', required: true, exact: true },
    { name: 'description', type: 'string', required: true },
    { name: 'salesTypeId', type: 'int', required: true },
    { name: 'salesPrice', type: 'decimal' },
    { name: 'unit', type: 'string' },
    {
      name: 'currentStock',
      type: 'decimal',
      readOnly: true,
      writableWhen: (settings) => settings.currentStockOnCreate === 'accept',
    },
    { name: 'active', type: 'bool' },
    { name: 'dateLastChange', type: 'datetime', readOnly: true },
  ],
  extraParams: ['ActiveState'],
  listScope: scopeByActiveState,
  create: createArticle,
  updatable: true,
};

function scopeByActiveState(
  records: SandboxRecord[],
  query: URLSearchParams,
  errors: FieldErrors,
): SandboxRecord[] {
  let raw: string | undefined;
  for (const [k, v] of query) if (k.toLowerCase() === 'activestate') raw = v;
  const state =
    raw === undefined ? 'Active' : activeStates.find((s) => s.toLowerCase() === raw.toLowerCase());
  if (!state) {
    errors.add('ActiveState', msg('badQuery', { value: raw ?? '', param: 'ActiveState' }));
    return records;
  }
  if (state === 'All') return records;
  return records.filter((r) => (r['active'] !== false) === (state === 'Active'));
}

function createArticle(input: SandboxRecord, ctx: CreateContext): SandboxRecord {
  const record: SandboxRecord = { active: true, salesPrice: 0, unit: null, ...input, currentStock: 0 };
  const stock = property(ctx.body, 'currentStock');
  // Sending back the stored stock unchanged (GET, edit, PUT) is no attempt to move it.
  const unchanged = ctx.existing !== undefined && stock === ctx.existing['currentStock'];
  if (stock !== undefined && !unchanged && ctx.settings.currentStockOnCreate === 'reject') {
    ctx.errors.add('CurrentStock', msg('readOnly', { field: 'CurrentStock' }));
  }
  // `accept` stands for an Asperion that lets the API set the stock after all (UNCONFIRMED).
  if (ctx.settings.currentStockOnCreate === 'accept' && stock !== undefined) {
    if (typeof stock === 'number' && Number.isFinite(stock)) record['currentStock'] = stock;
    else ctx.errors.add('CurrentStock', msg('wrongType', { field: 'CurrentStock', type: 'decimal' }));
  }
  const code = input['code'];
  if (
    typeof code === 'string' &&
    ctx.data.find(
      'articles',
      (a) => a !== ctx.existing && String(a['code']).toLowerCase() === code.toLowerCase(),
    )
  ) {
    ctx.conflicts.add('Code', msg('duplicate', { field: 'Code', value: code }));
  }
  checkReference(ctx, 'SalesTypeId', 'salestypes', input['salesTypeId']);
  const extra = extraProperties(ctx);
  if (Object.keys(extra).length > 0) record[extraPropertiesKey] = extra;
  else delete record[extraPropertiesKey];
  return record;
}

/**
 * The properties beyond the documented ones that the `extraArticleProperties` setting lets through
 * (Asperion's names for them are UNCONFIRMED; by default none, and unknown properties are dropped
 * like every other resource's). An update keeps the stored ones it does not send; null clears one.
 */
function extraProperties(ctx: CreateContext): Record<string, unknown> {
  const stored = ctx.existing?.[extraPropertiesKey];
  const out: Record<string, unknown> = {};
  for (const name of ctx.settings.extraArticleProperties) {
    const sent = property(ctx.body, name);
    const kept = isRecord(stored) ? stored[name] : undefined;
    const value = sent === undefined ? kept : sent;
    if (value !== undefined && value !== null) out[name] = value;
  }
  return out;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
