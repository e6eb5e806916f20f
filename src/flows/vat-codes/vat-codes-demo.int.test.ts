import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MissingMapping } from '../../engine/types.js';
import { testDialects } from '../../testing/databases.js';
import { startPair, type Pair } from '../../testing/flow-test-pair.js';
import { ordersFlowKind } from '../orders/orders-flow.js';
import { ordersSettingsSchema } from '../orders/settings.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- tests read the sandboxes' JSON as it comes */

/**
 * VAT codes: both sides' sales VAT codes of the demo data are read live, and each one is
 * either matched (the orders mapping or settings send it) or listed by `koppel check` with a suggestion.
 */
describe.each(testDialects)("VAT codes of both sandboxes' demo data (%s)", (dialect) => {
  let pair: Pair;
  let found: MissingMapping[];
  let exactCodes: any[];
  let asperionCodes: any[];
  const today = '2026-03-10';
  beforeAll(async () => {
    pair = await startPair(dialect);
    found = await ordersFlowKind.checkMappings!(await pair.runtimeContext({}), ordersFlowKind.defaultMapping);
    exactCodes = await pair.exact('vat/VATCodes', {
      $select: 'Code,Description,Percentage,VATTransactionType',
    });
    asperionCodes = await pair.list('vatcodes');
  }, 30_000);
  afterAll(() => pair?.close());

  const vatMap = ordersFlowKind.defaultMapping.valueMaps?.['vatCodes']?.entries ?? {};
  const settings = ordersSettingsSchema.parse({});
  const sent = new Set([
    ...Object.values(vatMap).map(String),
    settings.vatByCountry.euB2b,
    settings.vatByCountry.export,
  ]);

  it('matches or lists every Exact sales VAT code, a matched one to a valid Asperion sales code', () => {
    const sales = exactCodes.filter((c) => c.VATTransactionType !== 'P');
    expect(sales.length).toBeGreaterThan(3);
    for (const code of sales) {
      const key = String(code.Code).trim();
      const target = vatMap[key];
      if (target !== undefined) {
        const asperion = asperionCodes.find((a) => a.id === target);
        expect(asperion, `${key} → ${String(target)}`).toMatchObject({ salesCode: true });
        expect(asperion.validUntil === null || asperion.validUntil.slice(0, 10) >= today).toBe(true);
      } else {
        const listed = found.find((f) => f.domain === 'vatCode' && f.value === key);
        expect(listed?.suggestion, `Exact ${key} is neither mapped nor listed`).toBeTruthy();
      }
    }
  });

  it('matches or lists every Asperion sales VAT code valid today, with a suggestion', () => {
    const valid = asperionCodes.filter(
      (a) => a.salesCode && (a.validUntil === null || a.validUntil.slice(0, 10) >= today),
    );
    expect(valid.length).toBeGreaterThan(3);
    for (const code of valid) {
      // Another country's (OSS) code is the orders flow's own pick for that country's consumers.
      if (sent.has(code.id) || (code.countryCode && code.countryCode !== 'NL')) continue;
      const listed = found.find((f) => f.domain === 'asperionVatCode' && f.value === code.id);
      expect(listed?.suggestion, `Asperion ${code.id} is neither matched nor listed`).toBeTruthy();
      expect(listed?.informational).toBe(true);
    }
    // The demo's one such code: reverse charge, which no Exact demo sales code is.
    expect(found.filter((f) => f.domain === 'asperionVatCode')).toEqual([
      {
        domain: 'asperionVatCode',
        value: 'VL',
        where: 'Asperion sales VAT code no Exact VAT code maps to (mapping valueMaps.vatCodes)',
        suggestion:
          'none: no Exact sales VAT code is 0% reverse-charge; nothing to map unless one is added in Exact',
        informational: true,
      },
    ]);
    // An expired code (L6, until 2018) is no to-do: no new order can carry it.
    expect(found.some((f) => f.value === 'L6')).toBe(false);
    // Nothing else is missing on the demo data but France's OSS rates, which Asperion's demo has no code for (and no OSS account is set).
    expect(found.filter((f) => !f.informational).map((f) => `${f.domain} ${f.value}`)).toEqual([
      'ossVat FR 20%',
      'ossVat FR 5.5%',
    ]);
  });

  it('suggests the matching Exact code for an Asperion code nothing sends yet', async () => {
    await pair.addExact({
      'vat/VATCodes': [{ Code: 'VV', Description: 'BTW verlegd', Type: 'B', VATTransactionType: 'S' }],
    });
    const again = await ordersFlowKind.checkMappings!(
      await pair.runtimeContext({}),
      ordersFlowKind.defaultMapping,
    );
    // The new Exact code is unmapped and points at VL; VL, not yet sent, points back at it.
    expect(again).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ domain: 'vatCode', value: 'VV', suggestion: 'VL (0% reverse-charge)' }),
        expect.objectContaining({
          domain: 'asperionVatCode',
          value: 'VL',
          suggestion: 'Exact VV (Exact VV is 0% reverse-charge too)',
        }),
      ]),
    );
  });
});
