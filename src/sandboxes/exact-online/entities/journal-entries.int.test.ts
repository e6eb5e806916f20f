import { useDivisionApi, type Row } from '../../../testing/exact-division-api.js';
import { beforeEach, describe, expect, it } from 'vitest';
import { exactMessages } from '../odata-error.js';

const api = useDivisionApi();
const { created, errorOf, post, rows: getRows } = api;

// Conformance of generaljournalentry/GeneralJournalEntries against reference 7.12 and appendix A.

const gl: Record<string, string> = {};

beforeEach(async () => {
  for (const row of await getRows(`financial/GLAccounts?$select=ID,Code`))
    gl[String(row['Code'])] = String(row['ID']);
});

function entry(lines: Row[], journal = '90'): Row {
  return { JournalCode: journal, GeneralJournalEntryLines: lines };
}

const rent = (amount: number): Row[] => [
  { GLAccount: gl['4300'], AmountFC: amount, Description: 'Huur maart', Date: '2026-03-01' },
  { GLAccount: gl['1600'], AmountFC: -amount, Description: 'Huur maart', Date: '2026-03-01' },
];

describe('POST', () => {
  it('books a balanced memorial entry with its lines, number, year and period', async () => {
    const row = await created('generaljournalentry/GeneralJournalEntries', entry(rent(1250.5)));
    expect(row).toMatchObject({
      JournalCode: '90',
      JournalDescription: 'Memoriaal',
      Type: 90,
      Status: 20,
      FinancialYear: 2026,
      FinancialPeriod: 3,
      Currency: 'EUR',
    });
    expect(String(row['EntryNumber'])).toMatch(/^2690\d{4}$/);
    const lines = (row['GeneralJournalEntryLines'] as { results: Row[] }).results;
    expect(lines.map((l) => [l['LineNumber'], l['GLAccountCode'], l['AmountFC'], l['AmountDC']])).toEqual([
      [1, '4300', 1250.5, 1250.5],
      [2, '1600', -1250.5, -1250.5],
    ]);
    expect(lines.every((l) => l['EntryID'] === row['EntryID'])).toBe(true);
    const next = await created('generaljournalentry/GeneralJournalEntries', entry(rent(10)));
    expect(next['EntryNumber']).toBe(Number(row['EntryNumber']) + 1);
  });

  it('accepts AmountDC instead of AmountFC (memorial entries in the field report of 7.12)', async () => {
    const row = await created(
      'generaljournalentry/GeneralJournalEntries',
      entry([
        { GLAccount: gl['4900'], AmountDC: 0.1 },
        { GLAccount: gl['4900'], AmountDC: 0.2 },
        { GLAccount: gl['1000'], AmountDC: -0.3 },
      ]),
    );
    const lines = (row['GeneralJournalEntryLines'] as { results: Row[] }).results;
    expect(lines.map((l) => l['AmountFC'])).toEqual([0.1, 0.2, -0.3]);
  });

  it('refuses an entry that does not balance, and books nothing', async () => {
    const before = (await getRows(`generaljournalentry/GeneralJournalEntries?$select=EntryID`)).length;
    const lines = [
      { GLAccount: gl['4300'], AmountFC: 100 },
      { GLAccount: gl['1600'], AmountFC: -99.99 },
    ];
    expect(await errorOf(await post('generaljournalentry/GeneralJournalEntries', entry(lines)))).toEqual([
      500,
      'De boeking is niet in balans.',
    ]);
    const after = (await getRows(`generaljournalentry/GeneralJournalEntries?$select=EntryID`)).length;
    expect(after).toBe(before);
  });

  it('checks the journal, the GL accounts and the relation', async () => {
    const unknown = '11111111-2222-4333-8444-555555555555';
    const cases: Array<[Row, string]> = [
      [{ GeneralJournalEntryLines: rent(1) }, 'Verplicht: JournalCode'],
      [{ JournalCode: '90' }, 'Verplicht: GeneralJournalEntryLines'],
      [entry(rent(1), '99'), 'Bestaat niet: JournalCode'],
      [entry(rent(1), '70'), 'Ongeldig dagboek: 70'],
      [entry(rent(1), '20'), 'Ongeldig dagboek: 20'],
      [entry([{ AmountFC: 1 }, { GLAccount: gl['1600'], AmountFC: -1 }]), 'Verplicht: GLAccount'],
      [
        entry([
          { GLAccount: unknown, AmountFC: 1 },
          { GLAccount: gl['1600'], AmountFC: -1 },
        ]),
        'Bestaat niet: GLAccount',
      ],
      [
        entry([
          { GLAccount: gl['1300'], AmountFC: 1, Account: unknown },
          { GLAccount: gl['1600'], AmountFC: -1 },
        ]),
        'Bestaat niet: Account',
      ],
      [
        entry([
          { GLAccount: gl['8000'], AmountFC: -100, VATCode: 'VH' },
          { GLAccount: gl['1300'], AmountFC: 121 },
        ]),
        'BTW is niet toegestaan in dagboek 90',
      ],
    ];
    for (const [body, message] of cases) {
      expect(await errorOf(await post('generaljournalentry/GeneralJournalEntries', body))).toEqual([
        500,
        message,
      ]);
    }
  });

  it('generates the VAT line in a journal that allows VAT, and balances with it', async () => {
    await created('financial/Journals', {
      Code: '91',
      Description: 'Memoriaal btw',
      Type: 90,
      AllowVAT: true,
    });
    const revenue = { GLAccount: gl['8000'], AmountFC: -100, VATCode: 'VH' };
    expect(
      await errorOf(
        await post(
          'generaljournalentry/GeneralJournalEntries',
          entry([revenue, { GLAccount: gl['1300'], AmountFC: 100 }], '91'),
        ),
      ),
    ).toEqual([500, 'De boeking is niet in balans.']);
    const row = await created(
      'generaljournalentry/GeneralJournalEntries',
      entry([revenue, { GLAccount: gl['1300'], AmountFC: 121 }], '91'),
    );
    const lines = await getRows(
      `financialtransaction/TransactionLines?$filter=EntryID eq guid'${String(row['EntryID'])}'&$orderby=LineNumber`,
    );
    expect(lines.map((l) => [l['GLAccountCode'], l['AmountDC']])).toEqual([
      ['8000', -100],
      ['1300', 121],
      ['1500', -21],
    ]);
  });
});

describe('methods and reads', () => {
  it('has no PUT (405) and refuses a GET without $select or $top=1', async () => {
    const row = await created('generaljournalentry/GeneralJournalEntries', entry(rent(5)));
    const key = `${api.base}/generaljournalentry/GeneralJournalEntries(guid'${String(row['EntryID'])}')`;
    expect((await api.sandbox.call('PUT', key, api.token, { Reversal: true })).status).toBe(405);
    expect(
      await errorOf(
        await api.sandbox.call('GET', `${api.base}/generaljournalentry/GeneralJournalEntries`, api.token),
      ),
    ).toEqual([400, exactMessages.selectOrTop]);
    const expanded = (await (
      await api.sandbox.call('GET', `${key}?$expand=GeneralJournalEntryLines`, api.token)
    ).json()) as { d: { GeneralJournalEntryLines: { results: Row[] } } };
    expect(expanded.d.GeneralJournalEntryLines.results).toHaveLength(2);
  });

  it('deletes an entry together with its transaction lines', async () => {
    const row = await created('generaljournalentry/GeneralJournalEntries', entry(rent(7)));
    const id = String(row['EntryID']);
    const linesOf = () => getRows(`financialtransaction/TransactionLines?$filter=EntryID eq guid'${id}'`);
    expect(await linesOf()).toHaveLength(2);
    const res = await api.sandbox.call(
      'DELETE',
      `${api.base}/generaljournalentry/GeneralJournalEntries(guid'${id}')`,
      api.token,
    );
    expect(res.status).toBe(204);
    expect(await linesOf()).toHaveLength(0);
    const log = api.sandbox.state.division(3215711)?.deleted ?? [];
    expect(log.filter((d) => d.entityType === 1)).toHaveLength(2);
  });

  it('has monthly demo entries for wages and depreciation', async () => {
    const rows = await getRows(
      `generaljournalentry/GeneralJournalEntries?$select=EntryNumber,FinancialPeriod`,
    );
    expect(rows.length).toBe(24);
  });
});

describe('generaljournalentry/GeneralJournalEntryLines', () => {
  it('lists the lines of an entry, and has no PUT or DELETE', async () => {
    const row = await created('generaljournalentry/GeneralJournalEntries', entry(rent(12)));
    const lines = await getRows(
      `generaljournalentry/GeneralJournalEntryLines?$filter=EntryID eq guid'${String(row['EntryID'])}'&$orderby=LineNumber`,
    );
    expect(lines.map((l) => [l['GLAccountCode'], l['AmountFC'], l['EntryNumber']])).toEqual([
      ['4300', 12, row['EntryNumber']],
      ['1600', -12, row['EntryNumber']],
    ]);
    const key = `${api.base}/generaljournalentry/GeneralJournalEntryLines(guid'${String(lines[0]?.['ID'])}')`;
    expect((await api.sandbox.call('PUT', key, api.token, { Description: 'x' })).status).toBe(405);
    expect((await api.sandbox.call('DELETE', key, api.token)).status).toBe(405);
  });

  it('takes a line posted alone only if the entry still balances', async () => {
    const row = await created('generaljournalentry/GeneralJournalEntries', entry(rent(12)));
    const id = String(row['EntryID']);
    expect(
      await errorOf(
        await post('generaljournalentry/GeneralJournalEntryLines', { GLAccount: gl['4900'], AmountFC: 1 }),
      ),
    ).toEqual([500, 'Verplicht: EntryID']);
    expect(
      await errorOf(
        await post('generaljournalentry/GeneralJournalEntryLines', {
          EntryID: id,
          GLAccount: gl['4900'],
          AmountFC: 1,
        }),
      ),
    ).toEqual([500, 'De boeking is niet in balans.']);
    const added = await created('generaljournalentry/GeneralJournalEntryLines', {
      EntryID: id,
      GLAccount: gl['4900'],
      AmountFC: 0,
      Description: 'Memo',
    });
    expect(added).toMatchObject({ LineNumber: 3, EntryNumber: row['EntryNumber'] });
    const booked = await getRows(`financialtransaction/TransactionLines?$filter=EntryID eq guid'${id}'`);
    expect(booked.map((l) => l['GLAccountCode']).sort()).toEqual(['1600', '4300', '4900']);
  });
});
