import type { FlowRuntimeContext, MissingMapping } from '../../engine/types.js';
import type { MappingDefinition } from '../../mapping/types.js';
import { asperionClientOf } from '../../connectors/asperion/app.js';
import { exactClientOf } from '../../connectors/exact-online/app.js';
import {
  exactVatCodeFields,
  isSalesVatCode,
  suggestVatCode,
  type ExactVatCode,
} from '../vat-codes/match-vat-codes.js';
import { productsDefaultMapping } from './default-mapping.js';

/**
 * What the products flow would meet without a mapping, read live from both sides: the sales VAT
 * codes of Exact's items without a sales type (with the sales type whose VAT code has the same
 * rate), mapped sales types Asperion does not have, and, once the mapping has a `categories` map,
 * the item groups it lacks.
 */
export async function checkProductMappings(
  ctx: FlowRuntimeContext,
  mapping: MappingDefinition = productsDefaultMapping,
): Promise<MissingMapping[]> {
  const maps = mapping.valueMaps ?? {};
  const exact = exactClientOf(ctx.source);
  const asperion = asperionClientOf(ctx.target);
  const readAll = async (path: string, select: string[]) => {
    const rows: Array<Record<string, unknown>> = [];
    for await (const page of exact.pages(path, { select })) rows.push(...page);
    return rows;
  };
  const [items, exactVat, groups, salesTypes, vatCodes] = await Promise.all([
    readAll('bulk/Logistics/Items', ['ID', 'SalesVatCode']),
    readAll('vat/VATCodes', exactVatCodeFields),
    readAll('logistics/ItemGroups', ['ID', 'Code']),
    asperion.salesTypes.list({}, 100),
    asperion.vatCodes.list({}, 100),
  ]);
  const out: MissingMapping[] = [];
  const salesTypeMap = maps['salesTypes'] ?? { entries: {} };
  const today = ctx.clock.now().toISOString().slice(0, 10);
  const used = new Set(items.map((i) => String(i['SalesVatCode'] ?? '').trim()).filter((c) => c !== ''));
  const exactCodes = new Map((exactVat as unknown as ExactVatCode[]).map((v) => [String(v.Code).trim(), v]));
  for (const code of [...used].sort()) {
    if (Object.hasOwn(salesTypeMap.entries, code) || salesTypeMap.fallback !== undefined) continue;
    const vat = exactCodes.get(code);
    let suggestion: string;
    let suggested: string | undefined;
    if (!vat || !isSalesVatCode(vat)) suggestion = `none: Exact has no sales VAT code ${code}`;
    else {
      const match = suggestVatCode(vat, vatCodes, { today, homeCountry: 'NL' });
      const types = match.code ? salesTypes.filter((t) => t.vatCode === match.code) : [];
      if (types.length === 1) suggested = String(types[0]!.id);
      suggestion =
        types.length > 0
          ? `${types.map((t) => `${t.id} (${t.description})`).join(' or ')}: VAT code ${match.code}, ${match.why}`
          : match.code
            ? `none: no Asperion sales type has VAT code ${match.code} (${match.why})`
            : `none: ${match.why}`;
    }
    out.push({
      domain: 'salesType',
      value: code,
      where: 'mapping valueMaps.salesTypes (Exact item SalesVatCode)',
      suggestion,
      valueMap: 'salesTypes',
      ...(suggested === undefined ? {} : { suggested }),
      choices: salesTypes.map((t) => ({ value: String(t.id), label: `${t.id}: ${t.description}` })),
    });
  }
  const typeIds = new Set(salesTypes.map((t) => String(t.id)));
  for (const value of new Set(Object.values(salesTypeMap.entries).map(String)))
    if (!typeIds.has(value))
      out.push({
        domain: 'salesType',
        value,
        where: 'mapping valueMaps.salesTypes (Asperion has no such sales type)',
      });
  const categories = maps['categories'];
  if (categories && categories.fallback === undefined)
    for (const group of groups) {
      const code = String(group['Code'] ?? '').trim();
      if (code !== '' && !Object.hasOwn(categories.entries, code))
        out.push({
          domain: 'category',
          value: code,
          where: 'mapping valueMaps.categories (Exact item group)',
          valueMap: 'categories',
        });
    }
  return out;
}
