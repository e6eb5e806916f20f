import { isIsoCountryCode } from '../../core/countries.js';
import type { FlowRuntimeContext, MissingMapping } from '../../engine/types.js';
import type { MappingDefinition } from '../../mapping/types.js';
import { asperionClientOf } from '../../connectors/asperion/app.js';
import { exactClientOf } from '../../connectors/exact-online/app.js';
import { salesVatCodeFor } from './customer-rules.js';
import { customersDefaultMapping } from './default-mapping.js';
import { customersSettingsSchema } from './settings.js';

/** The days an Asperion payment condition gives by its description (`14 dagen` 14, `Contant` 0). */
export function termDays(description: string): number | null {
  if (/contant|cash|direct|pin/i.test(description)) return 0;
  const days = /(\d+)\s*(dag|day)/i.exec(description);
  return days ? Number(days[1]) : null;
}

/**
 * Every value the customers flow would meet without a mapping, read live from both sides: Asperion
 * payment conditions without an Exact one (suggested by term), mapped Exact conditions that Exact
 * lacks, the countries of Asperion's debtors that are no country or whose VAT code (by the flow's
 * rules) Exact does not have, revenue accounts Exact does not have, and, once the flow classifies,
 * debtor kinds without a classification.
 */
export async function checkCustomerMappings(
  ctx: FlowRuntimeContext,
  mapping: MappingDefinition = customersDefaultMapping,
): Promise<MissingMapping[]> {
  const settings = customersSettingsSchema.parse(ctx.settings);
  const asperion = asperionClientOf(ctx.source);
  const exact = exactClientOf(ctx.target);
  const conditionMap = mapping.valueMaps?.['paymentConditions'];
  const entries = conditionMap?.entries ?? {};
  const readAll = async (path: string, select: string[]) => {
    const rows: Array<Record<string, unknown>> = [];
    for await (const page of exact.pages(path, { select })) rows.push(...page);
    return rows;
  };
  const [conditions, debtors, kinds, exactConditions, exactVat, exactGl] = await Promise.all([
    asperion.paymentConditions.list({}, 100),
    asperion.debtors.list({}, 100),
    asperion.debtorKinds.list({}, 100),
    readAll('cashflow/PaymentConditions', ['Code', 'Description', 'PaymentDays', 'DiscountPercentage']),
    readAll('vat/VATCodes', ['Code', 'Description', 'Type', 'Percentage', 'OssCountry']),
    readAll('financial/GLAccounts', ['Code']),
  ]);
  const out: MissingMapping[] = [];
  const code = (row: Record<string, unknown>) => String(row['Code'] ?? '').trim();

  for (const condition of conditions) {
    const key = String(condition.id);
    if (Object.hasOwn(entries, key) || (conditionMap?.fallback ?? null) !== null) continue;
    const days = termDays(condition.description);
    const same = exactConditions.find(
      (c) => days !== null && Number(c['PaymentDays']) === days && !Number(c['DiscountPercentage'] ?? 0),
    );
    out.push({
      domain: 'paymentCondition',
      value: key,
      where: 'mapping valueMaps.paymentConditions (Asperion paymentConditionId)',
      suggestion: same
        ? `${code(same)} (${String(same['Description'])}: ${days} days, as "${condition.description}")`
        : `none: no Exact condition with the term of "${condition.description}"`,
      valueMap: 'paymentConditions',
      ...(same ? { suggested: code(same) } : {}),
      choices: exactConditions.map((c) => ({
        value: code(c),
        label: `${code(c)}: ${String(c['Description'])}`,
      })),
    });
  }
  const exactConditionCodes = new Set(exactConditions.map(code));
  for (const value of Object.values(entries))
    if (value !== null && !exactConditionCodes.has(String(value)))
      out.push({
        domain: 'paymentCondition',
        value: String(value),
        where: 'mapping valueMaps.paymentConditions: not in Exact',
      });

  // Countries: every one the debtors use, with the VAT code the flow's rules give it.
  const vatCodes = new Set(exactVat.map(code));
  const countries = new Set(
    debtors.map((d) => (d.countryCode ?? '').trim().toUpperCase() || settings.homeCountry),
  );
  for (const country of [...countries].sort()) {
    if (!isIsoCountryCode(country)) {
      out.push({
        domain: 'country',
        value: country,
        where: 'Asperion debtors (countryCode): no ISO 3166 country',
        suggestion: 'none: correct the debtors in Asperion',
      });
      continue;
    }
    for (const vatNumber of [null, 'with VAT number']) {
      const { code: vat, why } = salesVatCodeFor(country, vatNumber, settings);
      if (vatCodes.has(vat)) continue;
      // An OSS code of that country (highest rate), for EU consumers.
      const oss = exactVat
        .filter((v) => v['OssCountry'] === country)
        .sort((a, b) => Number(b['Percentage'] ?? 0) - Number(a['Percentage'] ?? 0))[0];
      out.push({
        domain: 'vatCode',
        value: country,
        where: `settings.salesVatCode (${why}): ${vat} is not in Exact`,
        suggestion: oss
          ? `${code(oss)} (${String(oss['Description'])})`
          : 'none: add it in Exact or settings.salesVatCode.byCountry',
      });
    }
  }
  const glCodes = new Set(exactGl.map(code));
  const revenue = settings.revenueAccountByCountry;
  for (const value of [...Object.values(revenue.entries), revenue.fallback])
    if (value !== null && !glCodes.has(value))
      out.push({ domain: 'ledgerAccount', value, where: 'settings.revenueAccountByCountry: not in Exact' });

  const classes = settings.classification.byDebtorKind;
  if (Object.keys(classes.entries).length > 0 && classes.fallback === null)
    for (const kind of kinds)
      if (!Object.hasOwn(classes.entries, kind.id))
        out.push({
          domain: 'debtorKind',
          value: kind.id,
          where: 'settings.classification.byDebtorKind (Asperion debtorKindId)',
          suggestion: `none: add the Exact classification ID for "${kind.description}"`,
        });
  return dedupe(out);
}

function dedupe(rows: MissingMapping[]): MissingMapping[] {
  const seen = new Set<string>();
  return rows.filter((r) => {
    const key = `${r.domain}|${r.value}|${r.where}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
