import type { FlowRuntimeContext, MissingMapping } from '../../engine/types.js';
import type { MappingDefinition } from '../../mapping/types.js';
import { ordersDefaultMapping } from './default-mapping.js';
import { asperionClientOf, exactClientOf } from './exact-clients.js';
import { ordersSettingsSchema } from './settings.js';
import { isSalesVatCode, suggestVatCode, type ExactVatCode } from '../vat-codes/match-vat-codes.js';

/**
 * Every source value the orders flow would meet without a mapping entry, read live from both sides:
 * Exact VAT codes, payment conditions (for conditions and methods), sales journals and shipping
 * methods missing from the mapping's value maps, and mapped or configured targets (VAT codes,
 * ledger accounts, journals, payment conditions and methods, and shipping articles when the flow may
 * not create articles) that Asperion does not have, by the flow's own mapping's value maps.
 */
export async function checkOrderMappings(
  ctx: FlowRuntimeContext,
  mapping: MappingDefinition = ordersDefaultMapping,
): Promise<MissingMapping[]> {
  const settings = ordersSettingsSchema.parse(ctx.settings);
  const maps = mapping.valueMaps ?? {};
  const exact = exactClientOf(ctx.source);
  const asperion = asperionClientOf(ctx.target);
  const out: MissingMapping[] = [];
  const readAll = async (path: string, select: string[], filter?: string) => {
    const rows: Array<Record<string, unknown>> = [];
    for await (const page of exact.pages(path, { select, ...(filter ? { filter } : {}) })) rows.push(...page);
    return rows;
  };
  const asperionVatCodes = asperion.vatCodes.list({}, 100);
  const unmapped = (mapName: string, code: string) =>
    code !== '' && !Object.hasOwn(maps[mapName]?.entries ?? {}, code);

  // Exact's sales VAT codes, each with the Asperion code of the same rate, purpose and country.
  const today = ctx.clock.now().toISOString().slice(0, 10);
  const vatFields = [
    'Code',
    'Description',
    'Percentage',
    'Type',
    'VATTransactionType',
    'EUSalesListing',
    'OssCountry',
  ];
  for (const row of (await readAll('vat/VATCodes', vatFields)) as unknown as ExactVatCode[]) {
    const code = String(row.Code ?? '').trim();
    if (!isSalesVatCode(row) || !unmapped('vatCodes', code)) continue;
    const suggestion = suggestVatCode(row, await asperionVatCodes, {
      today,
      homeCountry: settings.homeCountry,
    });
    out.push({
      domain: 'vatCode',
      value: code,
      where: 'mapping valueMaps.vatCodes (Exact vatCode)',
      suggestion: suggestion.code ? `${suggestion.code} (${suggestion.why})` : `none: ${suggestion.why}`,
    });
  }
  const sourceDomains: Array<[string, string, Promise<Array<Record<string, unknown>>>]> = [
    ['paymentCondition', 'paymentConditions', readAll('cashflow/PaymentConditions', ['Code'])],
    ['paymentMethod', 'paymentMethods', readAll('cashflow/PaymentConditions', ['Code'])],
    ['journal', 'journals', readAll('financial/Journals', ['Code', 'Type'], 'Type eq 20')],
    ['shippingMethod', 'shippingMethods', readAll('sales/ShippingMethods', ['Code'])],
  ];
  for (const [domain, mapName, rowsPromise] of sourceDomains)
    for (const row of await rowsPromise) {
      const code = String(row['Code'] ?? '').trim();
      if (unmapped(mapName, code))
        out.push({ domain, value: code, where: `mapping valueMaps.${mapName} (Exact ${domain})` });
    }
  const [vatCodes, ledgers, journals, conditions, methods] = await Promise.all([
    asperionVatCodes,
    asperion.ledgerAccounts.list({}, 100),
    asperion.journals.list({}, 100),
    asperion.paymentConditions.list({}, 100),
    asperion.paymentMethods.list({}, 100),
  ]);
  const has = (ids: Array<string | number>, v: unknown) => ids.map(String).includes(String(v));
  const targets: Array<[string, string, unknown[], Array<string | number>]> = [
    [
      'vatCode',
      'mapping valueMaps.vatCodes',
      Object.values(maps['vatCodes']?.entries ?? {}),
      vatCodes.map((v) => v.id),
    ],
    [
      'vatCode',
      'settings.vatByCountry',
      [
        settings.vatByCountry.euB2b,
        settings.vatByCountry.export,
        ...Object.values(settings.vatByCountry.euB2c.entries),
      ],
      vatCodes.map((v) => v.id),
    ],
    [
      'ledgerAccount',
      'settings.revenueAccountByVatCode',
      Object.values(settings.revenueAccountByVatCode.entries),
      ledgers.filter((l) => !l.disabled).map((l) => l.id),
    ],
    [
      'ledgerAccount',
      'settings.revenueAccountByCountry',
      Object.values(settings.revenueAccountByCountry.entries),
      ledgers.filter((l) => !l.disabled).map((l) => l.id),
    ],
    [
      'journal',
      'mapping valueMaps.journals',
      Object.values(maps['journals']?.entries ?? {}),
      journals.map((j) => j.id),
    ],
    [
      'paymentCondition',
      'mapping valueMaps.paymentConditions',
      Object.values(maps['paymentConditions']?.entries ?? {}),
      conditions.map((c) => c.id),
    ],
    [
      'paymentMethod',
      'mapping valueMaps.paymentMethods',
      Object.values(maps['paymentMethods']?.entries ?? {}),
      methods.map((m) => m.id),
    ],
  ];
  for (const [domain, where, values, known] of targets)
    for (const value of values)
      if (value !== null && !has(known, value))
        out.push({ domain, value: String(value), where: `${where}: not in Asperion` });
  // Shipping articles are created by SKU like any other when the flow may; otherwise they must exist.
  if (!settings.articles.create) {
    const shippingArticles: Array<[string, string]> = [
      ...Object.values(maps['shippingMethods']?.entries ?? {}).map((code): [string, string] => [
        String(code),
        'mapping valueMaps.shippingMethods',
      ]),
      ...(settings.shipping.articleCode
        ? [[settings.shipping.articleCode, 'settings.shipping.articleCode'] as [string, string]]
        : []),
    ];
    for (const [code, where] of new Map(shippingArticles))
      if (!(await asperion.find.articleByCode(code)))
        out.push({ domain: 'article', value: code, where: `${where}: not in Asperion` });
  }
  return out;
}
