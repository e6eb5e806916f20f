import { describe, expect, it } from 'vitest';
import { searchText } from '../../store/repos/records.js';
import { debtorSearchKeys, describeDebtor, type DebtorRecord } from './asperion-debtors-source.js';

describe('how a customers record is named and found', () => {
  const debtor = {
    id: 17,
    customerNumber: '10023',
    name: 'Jansen BV',
    emailAddress: 'Info@Jansen.nl',
    attentionTo: 'Piet Jansen',
  } as DebtorRecord;

  it('names a debtor by number, name and id', () => {
    expect(describeDebtor(debtor)).toBe('Asperion debtor 10023 (Jansen BV, id 17)');
  });

  it('is found by debtor number, e-mail, name and contact person', () => {
    const text = searchText([describeDebtor(debtor), ...debtorSearchKeys(debtor)]).split('\n');
    expect(text).toEqual(expect.arrayContaining(['10023', 'info@jansen.nl', 'jansen bv', 'piet jansen']));
  });
});
