import type { FlowRuntimeContext, MappingChoice, MissingMapping } from '../../engine/types.js';
import type { MappingDefinition } from '../../mapping/types.js';
import { ordersDefaultMapping } from './default-mapping.js';
import { asperionClientOf } from '../../connectors/asperion/app.js';
import { exactClientOf } from '../../connectors/exact-online/app.js';
import { ordersSettingsSchema, type OrdersSettings } from './settings.js';
import { isEuCountry } from './tax-rules.js';
import { ossVatCode } from './build-order.js';
import type { VatCode } from '../../connectors/asperion/resource-types.js';
import { isIsoCountryCode } from '../../core/countries.js';
import {
  exactVatCodeFields,
  isSalesVatCode,
  isValidOn,
  suggestVatCode,
  unmatchedAsperionVatCodes,
  type ExactVatCode,
} from '../vat-codes/match-vat-codes.js';

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
  // Read once: the choices offered for a missing value and the check of mapped targets both use them.
  const asperionJournals = asperion.journals.list({}, 100);
  const asperionConditions = asperion.paymentConditions.list({}, 100);
  const asperionMethods = asperion.paymentMethods.list({}, 100);
  const unmapped = (mapName: string, code: string) =>
    code !== '' && !Object.hasOwn(maps[mapName]?.entries ?? {}, code);

  // Exact's sales VAT codes, each with the Asperion code of the same rate, purpose and country.
  const today = ctx.clock.now().toISOString().slice(0, 10);
  const exactVatCodes = (await readAll('vat/VATCodes', exactVatCodeFields)) as unknown as ExactVatCode[];
  for (const row of exactVatCodes) {
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
      valueMap: 'vatCodes',
      ...(suggestion.code ? { suggested: suggestion.code } : {}),
      choices: salesVatChoices(await asperionVatCodes, today),
    });
  }
  // And the other way: Asperion's sales codes nothing sends, with the Exact codes that match them.
  const vatMap = maps['vatCodes'];
  const sent = new Set(
    [
      ...Object.values(vatMap?.entries ?? {}),
      vatMap?.fallback,
      settings.vatByCountry.euB2b,
      settings.vatByCountry.export,
      ...Object.values(settings.vatByCountry.euB2c.entries),
      settings.vatByCountry.euB2c.fallback,
    ].flatMap((v) => (v === null || v === undefined ? [] : [String(v)])),
  );
  // Codes of another country are the flow's own choice for EU consumers billed that country's VAT.
  for (const code of await asperionVatCodes)
    if (code.countryCode && code.countryCode.toUpperCase() !== settings.homeCountry) sent.add(code.id);
  for (const { code, suggestion } of unmatchedAsperionVatCodes(await asperionVatCodes, exactVatCodes, sent, {
    today,
    homeCountry: settings.homeCountry,
  }))
    out.push({
      domain: 'asperionVatCode',
      value: code.id,
      where: 'Asperion sales VAT code no Exact VAT code maps to (mapping valueMaps.vatCodes)',
      suggestion: suggestion.code
        ? `Exact ${suggestion.code} (${suggestion.why})`
        : `none: ${suggestion.why}`,
      informational: true,
    });
  const exactConditions = readAll('cashflow/PaymentConditions', ['Code']);
  const sourceDomains: Array<[string, string, Promise<Array<Record<string, unknown>>>]> = [
    // Exact sets the payment method per condition: one read serves both maps.
    ['paymentCondition', 'paymentConditions', exactConditions],
    ['paymentMethod', 'paymentMethods', exactConditions],
    ['journal', 'journals', readAll('financial/Journals', ['Code', 'Type'], 'Type eq 20')],
    ['shippingMethod', 'shippingMethods', readAll('sales/ShippingMethods', ['Code'])],
  ];
  const targetChoices: Record<string, Promise<MappingChoice[]> | undefined> = {
    paymentCondition: asperionConditions.then((rows) => rows.map((r) => choice(r.id, r.description))),
    paymentMethod: asperionMethods.then((rows) => rows.map((r) => choice(r.id, r.description))),
    journal: asperionJournals.then((rows) => rows.map((r) => choice(r.id, r.description))),
  };
  for (const [domain, mapName, rowsPromise] of sourceDomains)
    for (const row of await rowsPromise) {
      const code = String(row['Code'] ?? '').trim();
      if (!unmapped(mapName, code)) continue;
      const choices = await targetChoices[domain];
      out.push({
        domain,
        value: code,
        where: `mapping valueMaps.${mapName} (Exact ${domain})`,
        valueMap: mapName,
        ...(choices ? { choices } : {}),
      });
    }
  const [vatCodes, ledgers, journals, conditions, methods] = await Promise.all([
    asperionVatCodes,
    asperion.ledgerAccounts.list({}, 100),
    asperionJournals,
    asperionConditions,
    asperionMethods,
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
      'settings.oss.vatPayableAccountId',
      [settings.oss.vatPayableAccountId],
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
  out.push(...ossGaps(exactVatCodes, vatCodes, settings, today));
  out.push(
    ...(await checkCountries(
      await readAll('bulk/CRM/Accounts', ['Code', 'Name', 'Country', 'VATNumber'], "Status eq 'C'"),
      settings,
    )),
  );
  return out;
}

/**
 * Each One-Stop-Shop destination and rate of Exact's sales VAT codes the flow could not book: no
 * Asperion sales code of that country and rate valid today (nor a `vatByCountry.euB2c` entry of that
 * rate), and no `oss.vatPayableAccountId`. An order with such a line would fail rather than drop
 * the VAT, so these are listed before go-live.
 */
function ossGaps(
  exactVatCodes: readonly ExactVatCode[],
  asperionVatCodes: readonly VatCode[],
  settings: OrdersSettings,
  today: string,
): MissingMapping[] {
  if (settings.oss.vatPayableAccountId !== null) return [];
  const codes = new Map(asperionVatCodes.map((c) => [c.id, c]));
  const gaps = new Map<string, string[]>();
  for (const row of exactVatCodes) {
    const country = row.OssCountry?.trim().toUpperCase();
    if (!isSalesVatCode(row) || !country || country === settings.homeCountry) continue;
    if (row.Percentage === null || row.Percentage === undefined) continue;
    const rate = Math.round(row.Percentage * 10_000);
    if (ossVatCode(country, rate, today, codes, settings) !== undefined) continue;
    const key = `${country} ${rate / 100}%`;
    gaps.set(key, [...(gaps.get(key) ?? []), String(row.Code).trim()]);
  }
  return [...gaps].map(([value, exact]) => ({
    domain: 'ossVat',
    value,
    where: `Exact ${exact.join(', ')} (OSS): Asperion has no sales VAT code of this country and rate, and settings.oss.vatPayableAccountId is not set; add the code in Asperion or set the account, or such orders fail`,
  }));
}

/**
 * The customers' countries: one that is missing or no ISO code fails every order of that customer
 * (the VAT rules cannot place it), so it is listed with the accounts to correct in Exact; and where
 * a per-country map has been started (`revenueAccountByCountry`, `vatByCountry.euB2c`) without a
 * fallback, every customer country it lacks.
 */
function checkCountries(
  accounts: Array<Record<string, unknown>>,
  settings: OrdersSettings,
): MissingMapping[] {
  const out: MissingMapping[] = [];
  const byCountry = new Map<string, { accounts: string[]; consumers: number }>();
  for (const a of accounts) {
    const country = String(a['Country'] ?? '')
      .trim()
      .toUpperCase();
    const seen = byCountry.get(country) ?? { accounts: [], consumers: 0 };
    seen.accounts.push(String(a['Code'] ?? a['Name'] ?? '').trim());
    if (!a['VATNumber']) seen.consumers++;
    byCountry.set(country, seen);
  }
  const accountList = (codes: string[]) =>
    `${codes.slice(0, 5).join(', ')}${codes.length > 5 ? ` and ${codes.length - 5} more` : ''}`;
  const started = (map: { entries: Record<string, unknown>; fallback: unknown }) =>
    Object.keys(map.entries).length > 0 && map.fallback === null;
  for (const [country, seen] of [...byCountry].sort(([a], [b]) => a.localeCompare(b))) {
    if (!isIsoCountryCode(country)) {
      out.push({
        domain: 'country',
        value: country === '' ? '(none)' : country,
        where: `Exact account(s) ${accountList(seen.accounts)}: ${country === '' ? 'no country' : 'not an ISO 3166 code'}; correct it in Exact`,
      });
      continue;
    }
    if (
      started(settings.revenueAccountByCountry) &&
      !Object.hasOwn(settings.revenueAccountByCountry.entries, country)
    )
      out.push({ domain: 'country', value: country, where: 'settings.revenueAccountByCountry' });
    if (
      seen.consumers > 0 &&
      country !== settings.homeCountry &&
      isEuCountry(country) &&
      started(settings.vatByCountry.euB2c) &&
      !Object.hasOwn(settings.vatByCountry.euB2c.entries, country)
    )
      out.push({ domain: 'country', value: country, where: 'settings.vatByCountry.euB2c (EU consumers)' });
  }
  return out;
}

const choice = (value: string | number, description: string): MappingChoice => ({
  value: String(value),
  label: `${value}: ${description}`,
});

/** Asperion's sales VAT codes valid today, as a person picks one: code, description and rate. */
function salesVatChoices(codes: readonly VatCode[], today: string): MappingChoice[] {
  return codes
    .filter((c) => c.salesCode && isValidOn(c, today))
    .map((c) => ({ value: c.id, label: `${c.id}: ${c.description} (${c.percentage} %)` }));
}
