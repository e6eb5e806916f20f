import { accountsEntity } from '../entities/accounts.js';
import { createRecord } from '../entities/entity-store.js';
import type { StoredRow } from '../entities/field-types.js';
import type { Prng } from '../prng.js';
import { demoPlaces, demoStreets, demoWords } from './demo-catalog.js';
import { demoKvk, demoNlPostcode, demoPhone, demoVatNumber } from './demo-identifiers.js';
import type { SeedContext } from './seed-context.js';

export type DemoCountry = keyof typeof demoPlaces;
export const euCountries: readonly DemoCountry[] = ['NL', 'BE', 'DE', 'FR'];

/** One seeded account, as later steps (orders, contacts, invoices) need it. */
export interface DemoAccount {
  id: string;
  code: string;
  name: string;
  country: DemoCountry;
  kind: 'company' | 'person';
  /** Appendix B: C customer, P prospect, S suspect, A none (here: suppliers only). */
  status: 'C' | 'P' | 'S' | 'A';
  supplier: boolean;
  blocked: boolean;
  salesVatCode: string;
  currency: 'EUR' | 'USD' | 'GBP';
  paymentCondition: string;
  language: string;
}

type Mix = ReadonlyArray<
  readonly [DemoCountry, 'company' | 'person', number, DemoAccount['status']?, 'supplier'?]
>;

/** Who the divisions sell to: the shop/workshop/wholesale, the webshop, the Belgian branch. */
const mixes: Readonly<Record<number, Mix>> = {
  3215711: [
    ['NL', 'company', 85],
    ['NL', 'person', 45],
    ['BE', 'company', 14],
    ['BE', 'person', 6],
    ['DE', 'company', 10],
    ['DE', 'person', 8],
    ['FR', 'company', 6],
    ['FR', 'person', 5],
    ['US', 'company', 4],
    ['GB', 'company', 4],
    ['CH', 'company', 3],
    ['NL', 'company', 10, 'P'],
    ['BE', 'company', 3, 'P'],
    ['NL', 'company', 6, 'S'],
    ['NL', 'company', 8, 'A', 'supplier'],
    ['DE', 'company', 5, 'A', 'supplier'],
    ['BE', 'company', 1, 'A', 'supplier'],
    ['GB', 'company', 1, 'A', 'supplier'],
  ],
  3215712: [
    ['NL', 'person', 35],
    ['BE', 'person', 8],
    ['DE', 'person', 6],
    ['FR', 'person', 3],
    ['NL', 'company', 8],
    ['BE', 'company', 3],
    ['DE', 'company', 2],
    ['GB', 'person', 1],
    ['US', 'person', 1],
    ['NL', 'company', 3, 'A', 'supplier'],
  ],
  3215713: [
    ['BE', 'company', 22],
    ['BE', 'person', 15],
    ['NL', 'company', 6],
    ['NL', 'person', 4],
    ['FR', 'company', 3],
    ['FR', 'person', 2],
    ['DE', 'company', 2],
    ['GB', 'company', 1],
    ['BE', 'company', 3, 'P'],
    ['BE', 'company', 2, 'A', 'supplier'],
    ['NL', 'company', 2, 'A', 'supplier'],
  ],
};

const legalForms: Readonly<Record<DemoCountry, readonly string[]>> = {
  NL: ['B.V.', 'B.V.', 'B.V.', 'V.O.F.', 'V.O.F.', '', 'N.V.'],
  BE: ['BV', 'BV', 'BV', 'NV', 'CommV'],
  DE: ['GmbH', 'GmbH', 'GmbH & Co. KG', 'e.K.', 'AG'],
  FR: ['SARL', 'SAS', 'SAS', 'SA', 'EURL'],
  US: ['Inc.', 'LLC'],
  GB: ['Ltd', 'Ltd', 'PLC'],
  CH: ['AG', 'GmbH'],
};

const webDomain: Readonly<Record<DemoCountry, string>> = {
  NL: 'nl',
  BE: 'be',
  DE: 'de',
  FR: 'fr',
  US: 'com',
  GB: 'co.uk',
  CH: 'ch',
};

function slug(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');
}

function companyBase(prng: Prng, country: DemoCountry, supplier: boolean): string {
  const w = demoWords;
  switch (country) {
    case 'NL':
      if (supplier)
        return `${prng.pick([...w.nlSurnames, ...w.fantasy])} ${prng.pick(['Groothandel', 'Fietsonderdelen', 'Import', 'Rijwielindustrie'])}`;
      return prng.int(0, 1) === 0
        ? `${prng.pick(w.nlSurnames)} ${prng.pick(w.nlTrade)}`
        : `${prng.pick(w.nlShop)} ${prng.pick([...w.fantasy, ...w.nlSurnames])}`;
    case 'BE':
      return prng.int(0, 1) === 0
        ? `${prng.pick(w.beTrade)} ${prng.pick(w.beSurnames)}`
        : `${prng.pick(w.beSurnames)} ${prng.pick(w.beTrade)}`;
    case 'DE':
      if (supplier)
        return `${prng.pick(w.deSurnames)} ${prng.pick(['Fahrradteile', 'Radwerk', 'Antriebstechnik'])}`;
      return `${prng.pick(w.deTrade)} ${prng.pick(w.deSurnames)}`;
    case 'FR':
      return `${prng.pick(w.frTrade)} ${prng.pick(w.frSurnames)}`;
    case 'US':
      return `${prng.pick(w.usFirst)} ${prng.pick(w.usTrade)}`;
    case 'GB':
      return `${prng.pick(w.gbFirst)} ${prng.pick(w.gbTrade)}`;
    case 'CH':
      return `${prng.pick(w.chTrade)} ${prng.pick(w.chSurnames)}`;
  }
}

function personName(prng: Prng, country: DemoCountry): string {
  const w = demoWords;
  const names: Record<DemoCountry, [string[], string[]]> = {
    NL: [w.nlFirst, w.nlSurnames.map((s) => s.replace(/^(De|Van) /, (m) => m.toLowerCase()))],
    BE: [w.beFirst, w.beSurnames],
    DE: [w.deFirst, w.deSurnames],
    FR: [w.frFirst, w.frSurnames],
    US: [w.enFirst, w.enSurnames],
    GB: [w.enFirst, w.enSurnames],
    CH: [w.deFirst, w.chSurnames],
  };
  const [first, last] = names[country];
  return `${prng.pick(first)} ${prng.pick(last)}`;
}

interface Place {
  addressLine1: string;
  postcode: string;
  city: string;
  state: string | null;
  language: string;
}

function place(prng: Prng, country: DemoCountry): Place {
  const spot = prng.pick<{ city: string; pc?: number; postcode?: string; state?: string; lang?: string }>(
    demoPlaces[country],
  );
  const french = country === 'BE' && spot.lang === 'FR';
  const street = prng.pick(demoStreets[french ? 'BEFR' : country] ?? []);
  const number = prng.int(1, 180);
  const numberFirst = ['FR', 'US', 'GB'].includes(country) || french;
  const postcode =
    country === 'NL'
      ? demoNlPostcode(prng, spot.pc ?? 1000)
      : (spot.postcode ?? String((spot.pc ?? 0) + (country === 'BE' ? 0 : prng.int(0, 9))));
  const language = french
    ? 'FR'
    : { NL: 'NL', BE: 'NL', DE: 'DE', FR: 'FR', US: 'EN', GB: 'EN', CH: 'DE' }[country];
  return {
    addressLine1: numberFirst ? `${number} ${street}` : `${street} ${number}`,
    postcode,
    city: spot.city,
    state: spot.state ?? null,
    language,
  };
}

/** The sales VAT code an account gets by default (reference 7.13's selection rule). */
function defaultSalesVat(home: string, country: DemoCountry, kind: 'company' | 'person'): string {
  if (country === home) return 'VH';
  if (!euCountries.includes(country)) return 'EX';
  return kind === 'company' ? 'ICL' : `O${country[0]}H`;
}

function currencyOf(country: DemoCountry): DemoAccount['currency'] {
  return country === 'US' ? 'USD' : country === 'GB' ? 'GBP' : 'EUR';
}

/** Customers, prospects, suspects and suppliers of one division, created through the store. */
export function seedAccounts(ctx: SeedContext): DemoAccount[] {
  const prng = ctx.prng('accounts');
  const home = ctx.division.country;
  const mix = mixes[ctx.division.code] ?? [];
  const names = new Set<string>();
  const accounts: DemoAccount[] = [];
  let customerCode = 1000;
  let supplierCode = 70000;
  let n = 0;
  for (const [country, kind, count, status = 'C', supplierMark] of mix) {
    for (let i = 0; i < count; i++) {
      n += 1;
      const supplier = supplierMark === 'supplier' || (status === 'C' && kind === 'company' && n % 29 === 0);
      let name = '';
      for (let attempt = 0; attempt < 20 && (name === '' || names.has(name)); attempt++) {
        name =
          kind === 'person'
            ? personName(prng, country)
            : `${companyBase(prng, country, supplierMark === 'supplier')} ${prng.pick(legalForms[country])}`.trim();
      }
      const where = place(prng, country);
      if (names.has(name)) name = `${name} (${where.city})`;
      names.add(name);
      const code = supplierMark === 'supplier' ? (supplierCode += 1) : (customerCode += 1);
      const isCompany = kind === 'company';
      const domain = `${slug(name.replace(/ (B\.V\.|V\.O\.F\.|N\.V\.|BV|NV|CommV|GmbH.*|e\.K\.|AG|SARL|SAS|SA|EURL|Inc\.|LLC|Ltd|PLC)$/, ''))}.${webDomain[country]}`;
      const blocked = status === 'C' && n % 37 === 0;
      const account: DemoAccount = {
        id: prng.guid(),
        code: String(code),
        name,
        country,
        kind,
        status,
        supplier,
        blocked,
        salesVatCode: defaultSalesVat(home, country, kind),
        currency: currencyOf(country),
        paymentCondition: isCompany ? prng.pick(['14', '30', '30']) : '14',
        language: where.language,
      };
      const row: StoredRow = {
        ID: account.id,
        Code: account.code,
        Name: name,
        SearchCode: slug(name).slice(0, 10).toUpperCase(),
        AddressLine1: where.addressLine1,
        Postcode: where.postcode,
        City: where.city,
        State: where.state,
        Country: country,
        Language: where.language,
        Email: isCompany
          ? `${supplier && status === 'A' ? 'verkoop' : prng.pick(['info', 'administratie', 'inkoop'])}@${domain}`
          : `${slug(name.split(' ')[0] ?? 'klant')}.${slug(name.split(' ').slice(1).join(''))}${prng.int(1, 99)}@example.com`,
        Phone: demoPhone(prng, country),
        Website: isCompany ? `www.${domain}` : null,
        VATNumber: isCompany ? demoVatNumber(prng, country) : null,
        ChamberOfCommerce: isCompany && country === 'NL' ? demoKvk(prng) : null,
        Status: status,
        IsSupplier: supplier,
        Blocked: blocked,
        SalesVATCode: status === 'A' ? null : account.salesVatCode,
        SalesCurrency: account.currency,
        PaymentConditionSales: status === 'A' ? null : account.paymentCondition,
        InvoicingMethod: isCompany && prng.int(0, 4) === 0 ? 32 : 2,
        CreditLineSales: isCompany && status === 'C' ? prng.pick([2500, 5000, 10000, 25000]) : null,
        DiscountSales:
          isCompany && status === 'C' && prng.int(0, 3) === 0 ? prng.pick([0.05, 0.1, 0.15]) : null,
        IsReseller: isCompany && /Fiets|Rijwiel|Bike|Velo|Cycl|Rad|Zweirad/.test(name),
      };
      if (supplier) {
        row['PurchaseCurrency'] = account.currency;
        row['PurchaseVATCode'] = country === home ? 'VH' : euCountries.includes(country) ? 'IVH' : null;
        row['PaymentConditionPurchase'] = '30';
        row['PurchaseLeadDays'] = prng.int(2, 21);
      }
      createRecord(accountsEntity, ctx.data, { row, children: {} }, ctx.now, ctx.settings);
      accounts.push(account);
    }
  }
  return accounts;
}
