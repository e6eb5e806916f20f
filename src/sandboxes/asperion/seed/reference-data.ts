import type { SandboxRecord } from '../resources/resource-descriptor.js';
import type { AdministrationData } from '../state/administration-data.js';

const balance = 1;
const profitAndLoss = 2;

/** A small RGS-style Dutch chart (§6.4); 1300 and 1600 are the control accounts that need a counterparty. */
const ledgerAccounts: Array<[number, number, string, string | null, string | null]> = [
  [1000, balance, 'Kas', null, null],
  [1100, balance, 'Bank', null, null],
  [1300, balance, 'Debiteuren', null, 'debtor'],
  [1500, balance, 'Te vorderen btw', null, null],
  [1510, balance, 'Af te dragen btw hoog', null, null],
  [1520, balance, 'Af te dragen btw laag', null, null],
  [1530, balance, 'Af te dragen btw OSS', null, null],
  [1600, balance, 'Crediteuren', null, 'creditor'],
  [4000, profitAndLoss, 'Algemene kosten', 'IH21', null],
  [4100, profitAndLoss, 'Huisvestingskosten', 'IH21', null],
  [8000, profitAndLoss, 'Omzet hoog', 'H21', null],
  [8010, profitAndLoss, 'Omzet laag', 'L9', null],
  [8020, profitAndLoss, 'Omzet 0% / verlegd', 'VL', null],
  [8030, profitAndLoss, 'Omzet intracommunautair', 'ICP', null],
  [8040, profitAndLoss, 'Omzet export buiten de EU', 'EX', null],
  [8090, profitAndLoss, 'Omzet oud (niet meer gebruiken)', null, null],
];

/**
 * Dutch VAT codes with validity (§6.4): 21 % and 9 % domestic, the old 6 % that ended on
 * 2018-12-31 (to test date validity), 0 %, reverse charge, intra-EU, export, and purchase codes.
 */
const vatCodes: Array<
  [string, string, boolean, number, string, string | null, string | null, number | null]
> = [
  ['H21', 'Btw hoog 21%', true, 21, 'domestic', '2012-10-01', null, 1510],
  ['L9', 'Btw laag 9%', true, 9, 'domestic', '2019-01-01', null, 1520],
  ['L6', 'Btw laag 6% (tot 2019)', true, 6, 'domestic', null, '2018-12-31', 1520],
  ['N0', 'Btw 0%', true, 0, 'domestic', null, null, null],
  ['VL', 'Btw verlegd', true, 0, 'reverse-charge', null, null, null],
  ['ICP', 'Intracommunautaire levering', true, 0, 'intra-eu', null, null, null],
  ['EX', 'Export buiten de EU', true, 0, 'export', null, null, null],
  ['IH21', 'Voorbelasting hoog 21%', false, 21, 'domestic', '2012-10-01', null, 1500],
  ['IL9', 'Voorbelasting laag 9%', false, 9, 'domestic', '2019-01-01', null, 1500],
  ['IVL', 'Inkoop verlegd', false, 0, 'reverse-charge', null, null, 1500],
  ['IICP', 'Inkoop intracommunautair', false, 0, 'intra-eu', null, null, 1500],
];

/**
 * One-Stop-Shop sales codes for EU consumers abroad: the destination's rate and country, booked on
 * the OSS VAT account. Germany and Belgium have theirs; France (and every other EU country) has
 * none, so a client meets both an administration with OSS codes and one without.
 */
const ossVatCodes: Array<[string, string, number, string]> = [
  ['OSS-DE-H', 'OSS Duitsland 19%', 19, 'DE'],
  ['OSS-DE-L', 'OSS Duitsland 7%', 7, 'DE'],
  ['OSS-BE-H', 'OSS België 21%', 21, 'BE'],
  ['OSS-BE-L', 'OSS België 6%', 6, 'BE'],
];

const journals: Array<[string, string, string, number | null]> = [
  ['10', 'Kas', 'Cash', 1000],
  ['20', 'Bank', 'Bank', 1100],
  ['60', 'Inkoop', 'Purchase', null],
  ['70', 'Verkoop', 'Sales', null],
  ['90', 'Memoriaal', 'Memorial', null],
];

export function seedReferenceData(data: AdministrationData): void {
  const put = (resource: string, records: SandboxRecord[]) => records.forEach((r) => data.put(resource, r));
  put(
    'ledgeraccounts',
    ledgerAccounts.map(([id, type, description, vatCode, counterparty]) => ({
      id,
      type,
      description,
      vatCode,
      disabled: id === 8090,
      rcsfi: null,
      conversionCode: String(id),
      counterparty,
    })),
  );
  put(
    'vatcodes',
    vatCodes.map(([id, description, salesCode, percentage, kind, from, until, account]) => ({
      id,
      description,
      salesCode,
      percentage,
      isDefault: id === 'H21' || id === 'IH21',
      validFrom: from && `${from}T00:00:00`,
      validUntil: until && `${until}T00:00:00`,
      countryCode: 'NL',
      kind,
      ledgerAccountId: account,
    })),
  );
  put(
    'vatcodes',
    ossVatCodes.map(([id, description, percentage, countryCode]) => ({
      id,
      description,
      salesCode: true,
      percentage,
      isDefault: false,
      validFrom: '2021-07-01T00:00:00',
      validUntil: null,
      countryCode,
      kind: 'oss',
      ledgerAccountId: 1530,
    })),
  );
  put(
    'journals',
    journals.map(([id, description, type, account]) => ({
      id,
      description,
      type,
      conversionCode: id,
      ledgerAccountId: account,
    })),
  );
  put('paymentconditions', [
    { id: 1, description: '14 dagen netto', days: 14 },
    { id: 2, description: '30 dagen netto', days: 30 },
    { id: 3, description: '60 dagen netto', days: 60 },
    { id: 4, description: 'Contant', days: 0 },
  ]);
  put('costcenters', [
    { id: 1, description: 'Algemeen', conversionCode: 'ALG' },
    { id: 2, description: 'Winkel', conversionCode: 'WIN' },
    { id: 3, description: 'Online', conversionCode: 'ONL' },
  ]);
  put('costunits', [
    { id: 1, type: 1, description: 'Project A', conversionCode: 'PA', costCenter: 1 },
    { id: 2, type: 1, description: 'Project B', conversionCode: 'PB', costCenter: 3 },
  ]);
  put('debtorkinds', [
    { id: 'ZAK', description: 'Zakelijk', isDefault: true },
    { id: 'PAR', description: 'Particulier', isDefault: false },
  ]);
  put('paymentmethods', [
    { id: 'OVB', description: 'Overboeking' },
    { id: 'INC', description: 'Automatische incasso' },
    { id: 'PIN', description: 'Pin' },
  ]);
  put('salestypes', [
    { id: 1, description: 'Omzet hoog tarief', ledgerAccountId: 8000, vatCode: 'H21' },
    { id: 2, description: 'Omzet laag tarief', ledgerAccountId: 8010, vatCode: 'L9' },
    { id: 3, description: 'Omzet btw verlegd', ledgerAccountId: 8020, vatCode: 'VL' },
    { id: 4, description: 'Omzet intracommunautair', ledgerAccountId: 8030, vatCode: 'ICP' },
    { id: 5, description: 'Omzet export', ledgerAccountId: 8040, vatCode: 'EX' },
    { id: 6, description: 'Omzet 0%', ledgerAccountId: 8020, vatCode: 'N0' },
  ]);
}
