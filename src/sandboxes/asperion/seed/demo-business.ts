import { toCents } from '../../../core/money.js';
import { money } from '../domain/json-money.js';
import { ibanWithCheckDigits } from '../domain/iban.js';
import { finaliseInvoice } from '../control/finalise-invoice.js';
import { registerPayment } from '../control/register-payment.js';
import { articlesResource } from '../resources/articles-resource.js';
import { createRecord } from '../resources/create-record.js';
import { debtorsResource } from '../resources/debtors-resource.js';
import { journalEntriesResource } from '../resources/journal-entries-resource.js';
import { salesInvoicesWithLinesResource } from '../resources/sales-invoices-resource.js';
import type { AdministrationData } from '../state/administration-data.js';
import type { SandboxState } from '../state/sandbox-state.js';
import { pick, randomInt, seededRandom } from './seeded-random.js';

const companyKinds = ['Hotel', 'Restaurant', 'Café', 'Lunchroom', 'Catering', 'Kantoor', 'Zorgcentrum'];
const surnames = [
  'De Jong',
  'Jansen',
  'De Vries',
  'Van den Berg',
  'Bakker',
  'Visser',
  'Smit',
  'Meijer',
  'De Boer',
  'Mulder',
];
const places: Array<[string, string, string]> = [
  ['Amsterdam', '1012 AB', 'Damrak'],
  ['Utrecht', '3511 AA', 'Oudegracht'],
  ['Rotterdam', '3011 AD', 'Coolsingel'],
  ['Haarlem', '2011 VA', 'Grote Houtstraat'],
  ['Zwolle', '8011 NB', 'Diezerstraat'],
  ['Groningen', '9711 LM', 'Herestraat'],
];

export interface DemoArticle {
  code: string;
  description: string;
  salesTypeId: number;
  salesPrice: number;
  stock: number;
  active?: boolean;
}

/**
 * A deterministic Dutch business for one administration (§6.5): debtors, articles and a few months of
 * history (invoices, some finalised and paid, one memorial entry). Everything goes through the same
 * create path as the API, so the seed obeys the rules it demonstrates. No Math.random: one PRNG per
 * administration, seeded with its id.
 */
export function seedDemoBusiness(
  state: SandboxState,
  data: AdministrationData,
  articles: DemoArticle[],
): void {
  const random = seededRandom(data.administration.id * 7919);
  for (let i = 0; i < 12; i++) {
    const [city, postCode, street] = pick(random, places);
    const name = `${pick(random, companyKinds)} ${pick(random, surnames)}`;
    const bban = `${pick(random, ['INGB', 'RABO', 'ABNA'])}${String(randomInt(random, 100_000_000, 999_999_999)).padStart(10, '0')}`;
    createRecord(state, data, debtorsResource, {
      name,
      address: `${street} ${randomInt(random, 1, 200)}`,
      postCode,
      city,
      countryCode: 'NL',
      emailAddress: `administratie${i + 1}@${name.toLowerCase().replace(/[^a-z]+/g, '')}.nl`,
      iban: ibanWithCheckDigits('NL', bban),
      paymentConditionId: pick(random, [1, 2, 2, 3]),
      paymentMethodId: 'OVB',
      debtorKindId: i % 4 === 3 ? 'PAR' : 'ZAK',
      blocked: i === 11,
    });
  }
  for (const article of articles) {
    const { stock, ...body } = article;
    const record = createRecord(state, data, articlesResource, body);
    record['currentStock'] = stock;
  }

  const debtors = data.list('debtors').filter((d) => d['blocked'] !== true);
  for (let i = 0; i < 8; i++) {
    const debtor = pick(random, debtors);
    const month = 9 + Math.floor(i / 2);
    const lines = Array.from({ length: randomInt(random, 1, 3) }, () => {
      const article = pick(
        random,
        articles.filter((a) => a.active !== false),
      );
      const quantity = randomInt(random, 1, 12);
      return {
        description: `${quantity} × ${article.description}`,
        amount: money(toCents(article.salesPrice) * BigInt(quantity)),
        salesTypeId: article.salesTypeId,
      };
    });
    const invoice = createRecord(state, data, salesInvoicesWithLinesResource, {
      date: `2025-${String(month).padStart(2, '0')}-${String(randomInt(random, 1, 28)).padStart(2, '0')}`,
      journalId: '70',
      debtorCustomerNumber: debtor['customerNumber'],
      description: `Order ${2025_0100 + i}`,
      lines: { _data: lines },
    });
    if (i < 6) finaliseInvoice(state, data, String(invoice['id']));
    if (i < 3) registerPayment(state, data, String(invoice['id']), { date: '2025-12-31' });
  }
  createRecord(state, data, journalEntriesResource, {
    journalId: '90',
    date: '2025-12-31',
    description: 'Afschrijving inventaris 2025',
    lines: {
      _data: [
        { amount: 1250, ledgerAccountId: 4100, description: 'Afschrijving' },
        { amount: -1250, ledgerAccountId: 1100, description: 'Afschrijving' },
      ],
    },
  });
}
