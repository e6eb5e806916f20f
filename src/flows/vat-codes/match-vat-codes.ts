import type { VatCode } from '../../connectors/asperion/resource-types.js';

/** What Koppel reads of an Exact VAT code (`vat/VATCodes`, reference 7.13). */
export interface ExactVatCode {
  Code: string;
  Description: string | null;
  /** A fraction: 0.21 for 21 %. */
  Percentage: number | null;
  /** B 0 % (base only), E excluding, I including, N no VAT (reference 7.13). */
  Type: string | null;
  /** S sales, P purchase, B both. */
  VATTransactionType: string | null;
  /** L goods or S services on the EU sales listing (intra-community supplies); N or empty: not listed. */
  EUSalesListing: string | null;
  /** The destination country of an OSS code (EU consumers abroad). */
  OssCountry: string | null;
}

/** The fields of `ExactVatCode`, the `$select` of a read of `vat/VATCodes`. */
export const exactVatCodeFields: Array<keyof ExactVatCode> = [
  'Code',
  'Description',
  'Percentage',
  'Type',
  'VATTransactionType',
  'EUSalesListing',
  'OssCountry',
];

/** What a VAT code is for, as far as both sides let us tell. */
type VatPurpose = 'domestic' | 'intraEu' | 'export' | 'reverseCharge';

export interface VatSuggestion {
  /** The Asperion code to map to; null when none fits, and `why` says what is missing. */
  code: string | null;
  why: string;
}

/** Whether an Exact code is used on sales (orders and invoices), not only on purchases. */
export function isSalesVatCode(code: Pick<ExactVatCode, 'VATTransactionType'>): boolean {
  return code.VATTransactionType !== 'P';
}

/**
 * The Asperion sales VAT code an Exact VAT code matches, by rate, purpose and country: the same
 * percentage, valid on `today`; an OSS code only to a code of its destination country; at 0 % an
 * intra-community code (on Exact's EU sales listing) to Asperion's intra-community code and an
 * export code to the export code, told apart by their descriptions, since Asperion's API gives
 * VAT codes no type (reference 2.7). Among equals the default code, then the home country's.
 */
export function suggestVatCode(
  exact: ExactVatCode,
  asperion: readonly VatCode[],
  { today, homeCountry }: { today: string; homeCountry: string },
): VatSuggestion {
  // Percentage is read-only and may be missing; a base-only or no-VAT code is 0 % by its type.
  const rate =
    exact.Percentage !== null && exact.Percentage !== undefined
      ? Math.round(exact.Percentage * 10_000)
      : exact.Type === 'B' || exact.Type === 'N'
        ? 0
        : null;
  if (rate === null) return { code: null, why: `Exact gives ${exact.Code} no percentage` };
  const shown = `${rate / 100}%`;
  const valid = asperion.filter(
    (v) => v.salesCode && Math.round(v.percentage * 100) === rate && isValidOn(v, today),
  );
  const oss = exact.OssCountry?.toUpperCase();
  if (oss && oss !== homeCountry) {
    const abroad = valid.filter((v) => v.countryCode?.toUpperCase() === oss);
    return abroad.length > 0
      ? { code: best(abroad, homeCountry).id, why: `OSS ${oss} at ${shown}` }
      : {
          code: null,
          why: `Asperion has no ${shown} sales code for ${oss}; OSS VAT is declared in the OSS return, so map it to a 0% code (the default mapping uses N0)`,
        };
  }
  const purpose = exactPurpose(exact);
  // Another country's code (OSS) is only for that country's consumers, never a home code's match.
  const fitting = valid.filter(
    (v) =>
      asperionPurpose(v) === purpose &&
      (v.countryCode === null || v.countryCode.toUpperCase() === homeCountry),
  );
  if (fitting.length === 0)
    return {
      code: null,
      why: `Asperion has no valid ${shown} ${purposeLabels[purpose]} sales code`,
    };
  return { code: best(fitting, homeCountry).id, why: `${shown} ${purposeLabels[purpose]}` };
}

const purposeLabels: Record<VatPurpose, string> = {
  domestic: 'domestic',
  intraEu: 'intra-community',
  export: 'export',
  reverseCharge: 'reverse-charge',
};

function exactPurpose(code: ExactVatCode): VatPurpose {
  if (code.EUSalesListing === 'L' || code.EUSalesListing === 'S') return 'intraEu';
  return purposeOfText(code.Description ?? '');
}

function asperionPurpose(code: VatCode): VatPurpose {
  return purposeOfText(`${code.id} ${code.description}`);
}

/** Dutch and English words both sides use for the purpose of a 0 % code. */
function purposeOfText(text: string): VatPurpose {
  if (/intra-?communaut|\bICP\b|intra-?eu|binnen de eu/i.test(text)) return 'intraEu';
  if (/export|uitvoer|buiten de eu|outside the eu/i.test(text)) return 'export';
  if (/verlegd|reverse/i.test(text)) return 'reverseCharge';
  return 'domestic';
}

/**
 * The other direction: Asperion's sales VAT codes valid on `today` that nothing sends (`used`: the
 * codes the mapping's value map and the flow's settings name), each with the Exact sales codes that
 * match it by the same rules (rate, purpose, country), or why none does. An expired code is left
 * out: no new order can carry it.
 */
export function unmatchedAsperionVatCodes(
  asperion: readonly VatCode[],
  exact: readonly ExactVatCode[],
  used: ReadonlySet<string>,
  { today, homeCountry }: { today: string; homeCountry: string },
): Array<{ code: VatCode; suggestion: VatSuggestion }> {
  const out: Array<{ code: VatCode; suggestion: VatSuggestion }> = [];
  for (const code of asperion) {
    if (!code.salesCode || !isValidOn(code, today) || used.has(code.id)) continue;
    const matching = exact
      .filter((e) => isSalesVatCode(e) && suggestVatCode(e, [code], { today, homeCountry }).code === code.id)
      .map((e) => e.Code.trim());
    const about = `${code.percentage}% ${purposeLabels[asperionPurpose(code)]}${
      code.countryCode && code.countryCode.toUpperCase() !== homeCountry ? ` ${code.countryCode}` : ''
    }`;
    out.push({
      code,
      suggestion:
        matching.length > 0
          ? {
              code: matching[0]!,
              why: `Exact ${matching.join(', ')} ${matching.length > 1 ? 'are' : 'is'} ${about} too`,
            }
          : {
              code: null,
              why: `no Exact sales VAT code is ${about}; nothing to map unless one is added in Exact`,
            },
    });
  }
  return out;
}

function best(codes: readonly VatCode[], homeCountry: string): VatCode {
  const score = (v: VatCode) =>
    (v.isDefault ? 2 : 0) + (v.countryCode?.toUpperCase() === homeCountry ? 1 : 0);
  return [...codes].sort((a, b) => score(b) - score(a) || a.id.localeCompare(b.id))[0]!;
}

/** Whether an Asperion VAT code is valid on `day` (YYYY-MM-DD): from and until are inclusive. */
export function isValidOn(code: Pick<VatCode, 'validFrom' | 'validUntil'>, day: string): boolean {
  return (
    (code.validFrom === null || code.validFrom.slice(0, 10) <= day) &&
    (code.validUntil === null || code.validUntil.slice(0, 10) >= day)
  );
}
