import type { AsperionClient } from '../../connectors/asperion/asperion-client.js';
import { KoppelError } from '../../core/errors.js';
import { formatCents, mulDiv, toCents } from '../../core/money.js';
import type { TargetPayload } from '../../engine/types.js';
import { unconfirmedArticleFields, type ProductsSettings, type UnconfirmedArticleField } from './settings.js';
import type { ProductRecord } from './exact-items-source.js';

/**
 * Koppel's article fields (the mapping's target fields). `code`, `description`, `salesTypeId`,
 * `price` (→ `salesPrice`), `unit` and `active` are Asperion's documented properties; the
 * unconfirmed ones go out under the names `settings.articleProperties` gives them.
 */
export interface ArticleFields extends TargetPayload {
  code: string;
  description: string;
  salesTypeId: number;
  /** Decimal text, excl. VAT from the mapping; after resolve what `salesPrice` carries (see priceIncludesVat). */
  price?: string | null;
  unit?: string | null;
  active?: boolean | null;
  longDescription?: string | null;
  shortDescription?: string | null;
  ean?: string | null;
  imageUrl?: string | null;
  features?: Array<{ name: string; value: string }> | null;
  category?: string | null;
  priceIncludesVat?: boolean;
  currency?: string | null;
}

const centsPattern = /^-?\d+(\.\d{1,2})?$/;

/** VAT rate per Asperion sales type, in hundredths of a percent (21 % → 2100n), read once a run. */
export class SalesTypeRates {
  private rates: Promise<Map<number, { vatCode: string | null; rate: bigint | null }>> | undefined;

  constructor(private readonly client: AsperionClient) {}

  all() {
    this.rates ??= (async () => {
      const [types, codes] = await Promise.all([
        this.client.salesTypes.list({}, 100),
        this.client.vatCodes.list({}, 100),
      ]);
      const byId = new Map(codes.map((c) => [c.id, c]));
      return new Map(
        types.map((t) => {
          const code = t.vatCode === null ? undefined : byId.get(t.vatCode);
          return [t.id, { vatCode: t.vatCode, rate: code ? toCents(code.percentage) : null }];
        }),
      );
    })();
    return this.rates;
  }
}

/**
 * The mapped fields made what is sent: the price checked to be cents and made incl. VAT when the
 * flow says so (exactly, half-up), variant attributes after the name when asked, the picture URL
 * made absolute, and the unconfirmed fields without an Asperion property left out (the record's
 * activity names them once).
 */
export async function resolveArticle(
  fields: ArticleFields,
  record: ProductRecord,
  settings: ProductsSettings,
  context: { rates: SalesTypeRates; exactBaseUrl: string; label: string },
  note: (step: string, detail: string) => void,
): Promise<ArticleFields> {
  const out: ArticleFields = { ...fields };
  if (settings.variants.inDescription && record.Attributes.length > 0)
    out.description = `${fields.description} — ${record.Attributes.map((a) => `${a.Label}: ${a.Value}`).join(', ')}`;
  if (typeof out.price === 'number') out.price = String(out.price);
  if (typeof out.price === 'string') {
    if (!centsPattern.test(out.price.trim()))
      throw new KoppelError(
        `${context.label}: price ${out.price} (field price) is not an amount in cents; Asperion keeps sales prices to the cent`,
        { code: 'products.price_not_cents', kind: 'invalid', details: { field: 'price', value: out.price } },
      );
    if (settings.price === 'inclVat') {
      const type = (await context.rates.all()).get(out.salesTypeId);
      if (!type || type.rate === null)
        throw new KoppelError(
          `${context.label}: sales type ${out.salesTypeId} (field salesTypeId) has no VAT rate in Asperion, so the price incl. VAT cannot be computed`,
          {
            code: 'products.no_vat_rate',
            kind: 'invalid',
            details: { field: 'salesTypeId', value: out.salesTypeId },
          },
        );
      const excl = toCents(out.price);
      const incl = mulDiv(excl, 10_000n + type.rate, 10_000n, 'half-up');
      out.price = formatCents(incl);
      note(
        'price',
        `${formatCents(excl)} excl. VAT is ${out.price} incl. ${formatCents(type.rate)}% VAT (${type.vatCode})`,
      );
    }
  }
  out.priceIncludesVat = settings.price === 'inclVat';
  if (typeof out.imageUrl === 'string' && out.imageUrl.startsWith('/'))
    out.imageUrl = `${context.exactBaseUrl.replace(/\/$/, '')}${out.imageUrl}`;
  const unsent: string[] = [];
  for (const field of unconfirmedArticleFields) {
    if (settings.articleProperties[field] !== null || !(field in out)) continue;
    const value = out[field];
    delete out[field];
    if (value !== null && value !== undefined && !(Array.isArray(value) && value.length === 0))
      unsent.push(field);
  }
  if (unsent.length > 0)
    note(
      'fields not sent',
      `${unsent.join(', ')}: Asperion's article property is unconfirmed; name it in settings.articleProperties to send it`,
    );
  return out;
}

/** The Asperion article body for `fields` (documented properties by their names, the rest as configured). */
export function articleBody(
  fields: Partial<ArticleFields>,
  properties: ProductsSettings['articleProperties'],
): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const put = (name: string, value: unknown) => {
    if (value !== undefined) body[name] = value;
  };
  put('code', fields.code);
  put('description', fields.description);
  put('salesTypeId', fields.salesTypeId);
  if (fields.price !== undefined) body['salesPrice'] = fields.price === null ? null : toCents(fields.price);
  put('unit', fields.unit);
  put('active', fields.active);
  for (const field of unconfirmedArticleFields) {
    const name = properties[field as UnconfirmedArticleField];
    if (name !== null) put(name, fields[field]);
  }
  return body;
}
