import type { DivisionInfo } from '../divisions.js';
import { createRecord } from '../entities/entity-store.js';
import { vatCodesEntity } from '../entities/vat-codes.js';
import type { SeedContext } from './seed-context.js';

/** What a VAT code is for, so that the order seed can pick the right one per customer and item. */
export type VatKind =
  'high' | 'low' | 'zero' | 'intraGoods' | 'intraServices' | 'export' | 'oss' | 'purchaseEu';

export interface DemoVatCode {
  Code: string;
  Description: string;
  kind: VatKind;
  /** The read-only rate (reference 7.13: rates live in VATPercentages; the seed sets it directly). */
  percentage: number;
  /** B base only (0 %), E excluding (appendix B). */
  Type: 'B' | 'E';
  /** B both, P purchase, S sales. */
  VATTransactionType: 'B' | 'P' | 'S';
  /** For OSS codes: destination country and whether it is the reduced rate. */
  ossCountry?: string;
  reduced?: boolean;
  EUSalesListing?: 'L' | 'S';
  Charged?: boolean;
  IntraStat?: boolean;
  LegalText?: string;
}

const standard = { NL: 0.21, BE: 0.21, DE: 0.19, FR: 0.2 } as const;
const reduced = { NL: 0.09, BE: 0.06, DE: 0.07, FR: 0.055 } as const;
const countryNames = { NL: 'Nederland', BE: 'België', DE: 'Duitsland', FR: 'Frankrijk' } as const;
type EuCountry = keyof typeof standard;

function pct(rate: number): string {
  return `${String(Math.round(rate * 1000) / 10).replace('.', ',')}%`;
}

function oss(country: EuCountry, isReduced: boolean): DemoVatCode {
  const rate = isReduced ? reduced[country] : standard[country];
  return {
    Code: `O${country[0]}${isReduced ? 'L' : 'H'}`,
    Description: `OSS ${countryNames[country]} ${isReduced ? 'laag' : 'hoog'} ${pct(rate)}`,
    kind: 'oss',
    percentage: rate,
    Type: 'E',
    VATTransactionType: 'S',
    ossCountry: country,
    reduced: isReduced,
  };
}

/**
 * A division's VAT codes: domestic high/low/zero, intra-community supplies (0 %, on the EU sales
 * listing), export outside the EU, OSS codes per destination for EU private customers, and the
 * reverse-charged purchase code. Codes are at most three characters, as in Exact.
 */
export function demoVatCodes(country: DivisionInfo['country']): DemoVatCode[] {
  const home = country;
  const ossCountries = (['NL', 'BE', 'DE', 'FR'] as const).filter((c) => c !== home);
  return [
    {
      Code: 'VH',
      Description: `BTW hoog ${pct(standard[home])}`,
      kind: 'high',
      percentage: standard[home],
      Type: 'E',
      VATTransactionType: 'B',
    },
    {
      Code: 'VL',
      Description: `BTW laag ${pct(reduced[home])}`,
      kind: 'low',
      percentage: reduced[home],
      Type: 'E',
      VATTransactionType: 'B',
    },
    { Code: 'V0', Description: 'BTW 0%', kind: 'zero', percentage: 0, Type: 'E', VATTransactionType: 'B' },
    {
      Code: 'ICL',
      Description: 'Intracommunautaire levering goederen 0%',
      kind: 'intraGoods',
      percentage: 0,
      Type: 'B',
      VATTransactionType: 'S',
      EUSalesListing: 'L',
      IntraStat: true,
      LegalText: 'Intracommunautaire levering, art. 138 Btw-richtlijn 2006/112/EG. BTW verlegd.',
    },
    {
      Code: 'ICD',
      Description: 'Intracommunautaire diensten 0%',
      kind: 'intraServices',
      percentage: 0,
      Type: 'B',
      VATTransactionType: 'S',
      EUSalesListing: 'S',
      LegalText: 'Dienst, art. 44 en 196 Btw-richtlijn 2006/112/EG. BTW verlegd.',
    },
    {
      Code: 'EX',
      Description: 'Export buiten de EU 0%',
      kind: 'export',
      percentage: 0,
      Type: 'B',
      VATTransactionType: 'S',
      LegalText: 'Uitvoer buiten de EU, art. 146 Btw-richtlijn 2006/112/EG.',
    },
    ...ossCountries.flatMap((c) => [oss(c, false), oss(c, true)]),
    {
      Code: 'IVH',
      Description: `Verwerving binnen de EU, verlegd ${pct(standard[home])}`,
      kind: 'purchaseEu',
      percentage: standard[home],
      Type: 'E',
      VATTransactionType: 'P',
      Charged: true,
    },
  ];
}

/** Seed the VAT codes through the store; returns them by code for the later steps. */
export function seedVatCodes(ctx: SeedContext): Map<string, DemoVatCode> {
  const prng = ctx.prng('vat');
  const byCode = new Map<string, DemoVatCode>();
  for (const vat of demoVatCodes(ctx.division.country)) {
    const row = {
      ID: prng.guid(),
      Code: vat.Code,
      Description: vat.Description,
      Type: vat.Type,
      VATTransactionType: vat.VATTransactionType,
      Charged: vat.Charged ?? false,
      EUSalesListing: vat.EUSalesListing ?? 'N',
      IntraStat: vat.IntraStat ?? false,
      IsBlocked: false,
      LegalText: vat.LegalText ?? null,
      OssCountry: vat.ossCountry ?? null,
    };
    const record = createRecord(vatCodesEntity, ctx.data, { row, children: {} }, ctx.now, ctx.settings);
    // Percentage and Country are read-only through the API (reference 7.13); the seed sets them.
    record.row['Percentage'] = vat.percentage;
    record.row['Country'] = ctx.division.country;
    byCode.set(vat.Code, vat);
  }
  return byCode;
}
