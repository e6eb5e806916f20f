import { describe, expect, it } from 'vitest';
import type { VatCode } from '../../connectors/asperion/resource-types.js';
import { isSalesVatCode, suggestVatCode, type ExactVatCode } from './match-vat-codes.js';

const asperion = (
  id: string,
  description: string,
  percentage: number,
  extra: Partial<VatCode> = {},
): VatCode =>
  ({
    id,
    description,
    salesCode: true,
    percentage,
    isDefault: false,
    validFrom: null,
    validUntil: null,
    countryCode: 'NL',
    ...extra,
  }) as VatCode;

const codes = [
  asperion('H21', 'Btw hoog 21%', 21, { isDefault: true }),
  asperion('L9', 'Btw laag 9%', 9, { validFrom: '2019-01-01' }),
  asperion('L6', 'Btw laag 6% (tot 2019)', 6, { validUntil: '2018-12-31' }),
  asperion('N0', 'Btw 0%', 0),
  asperion('VL', 'Btw verlegd', 0),
  asperion('ICP', 'Intracommunautaire levering', 0),
  asperion('EX', 'Export buiten de EU', 0),
  asperion('IH21', 'Voorbelasting hoog 21%', 21, { salesCode: false }),
  asperion('BE21', 'TVA Belgique 21%', 21, { countryCode: 'BE' }),
];

const exact = (Code: string, Description: string, Percentage: number, extra: Partial<ExactVatCode> = {}) => ({
  Code,
  Description,
  Percentage,
  Type: Percentage === 0 ? 'B' : 'E',
  VATTransactionType: 'S',
  EUSalesListing: 'N',
  OssCountry: null,
  ...extra,
});

const suggest = (code: ExactVatCode, today = '2026-11-27') =>
  suggestVatCode(code, codes, { today, homeCountry: 'NL' });

describe('matching an Exact VAT code to an Asperion one', () => {
  it('matches domestic codes by rate, the default code first, and only codes valid on the day', () => {
    expect(suggest(exact('VH', 'BTW hoog 21%', 0.21)).code).toBe('H21');
    expect(suggest(exact('VL', 'BTW laag 9%', 0.09)).code).toBe('L9');
    expect(suggest(exact('V6', 'BTW laag 6%', 0.06))).toEqual({
      code: null,
      why: 'Asperion has no valid 6% domestic sales code',
    });
    expect(suggest(exact('V6', 'BTW laag 6%', 0.06), '2018-06-01').code).toBe('L6');
    expect(suggest(exact('V0', 'BTW 0%', 0)).code).toBe('N0');
  });

  it('tells the 0% codes apart: intra-community by the EU sales listing, export by its description', () => {
    expect(
      suggest(exact('ICL', 'Intracommunautaire levering goederen 0%', 0, { EUSalesListing: 'L' })).code,
    ).toBe('ICP');
    expect(suggest(exact('ICD', 'Diensten 0%', 0, { EUSalesListing: 'S' })).code).toBe('ICP');
    expect(suggest(exact('EX', 'Export buiten de EU 0%', 0)).code).toBe('EX');
    expect(suggest(exact('VV', 'Btw verlegd', 0)).code).toBe('VL');
  });

  it('matches an OSS code only to a code of its destination country, and says what to do otherwise', () => {
    expect(suggest(exact('OBH', 'OSS België hoog 21%', 0.21, { OssCountry: 'BE' }))).toEqual({
      code: 'BE21',
      why: 'OSS BE at 21%',
    });
    const german = suggest(exact('ODH', 'OSS Duitsland hoog 19%', 0.19, { OssCountry: 'DE' }));
    expect(german.code).toBeNull();
    expect(german.why).toContain('Asperion has no 19% sales code for DE');
  });

  it('never suggests a purchase code, and knows purchase-only Exact codes', () => {
    expect(suggest(exact('VH', 'BTW hoog 21%', 0.21)).code).not.toBe('IH21');
    expect(isSalesVatCode({ VATTransactionType: 'P' })).toBe(false);
    expect(isSalesVatCode({ VATTransactionType: 'B' })).toBe(true);
  });

  it('reads a missing percentage from the code type, and says so when neither tells', () => {
    expect(suggest(exact('VX', 'Export', 0, { Percentage: null, Type: 'B' })).code).toBe('EX');
    expect(suggest(exact('VX', 'Iets', 0.21, { Percentage: null }))).toEqual({
      code: null,
      why: 'Exact gives VX no percentage',
    });
  });
});
