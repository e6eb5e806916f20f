import { useDivisionApi, type Row } from '../../../testing/exact-division-api.js';
import { describe, expect, it } from 'vitest';

const api = useDivisionApi();
const { errorOf, rows: getRows } = api;

// financial/GLAccounts and financial/Journals (reference 7.17, appendix A).
const representation = { prefer: 'return=representation' };

describe('financial/GLAccounts', () => {
  it('has a Dutch demo chart with typed debtors, bank, VAT and revenue accounts', async () => {
    const rows = await getRows(`financial/GLAccounts?$select=Code,Type,BalanceType,VATCode&$orderby=Code`);
    const byCode = new Map(rows.map((r) => [r['Code'], r]));
    expect(byCode.get('1100')).toMatchObject({ Type: 12, BalanceType: 'B' });
    expect(byCode.get('1300')).toMatchObject({ Type: 20, BalanceType: 'B' });
    expect(byCode.get('1500')).toMatchObject({ Type: 24, VATCode: 'VH' });
    expect(byCode.get('8000')).toMatchObject({ Type: 110, BalanceType: 'W', VATCode: 'VH' });
    expect(byCode.get('8010')).toMatchObject({ Type: 110, VATCode: 'VL' });
  });

  it('needs Code and Description, keeps codes unique, and logs deletions as EntityType 7', async () => {
    const post = (body: Row) =>
      api.sandbox.call('POST', `${api.base}/financial/GLAccounts`, api.token, body, representation);
    expect(await errorOf(await post({ Description: 'Zonder code' }))).toEqual([500, 'Verplicht: Code']);
    expect(await errorOf(await post({ Code: '4950' }))).toEqual([500, 'Verplicht: Description']);
    expect(await errorOf(await post({ Code: '8000', Description: 'Dubbel' }))).toEqual([
      500,
      'Gegeven bestaat reeds.',
    ]);
    const res = await post({ Code: '4950', Description: 'Bankkosten', Type: 120 });
    expect(res.status).toBe(201);
    const id = String(((await res.json()) as { d: Row }).d['ID']);
    const deleted = await api.sandbox.call(
      'DELETE',
      `${api.base}/financial/GLAccounts(guid'${id}')`,
      api.token,
    );
    expect(deleted.status).toBe(204);
    expect(api.sandbox.state.division(3215711)?.deleted.at(-1)).toMatchObject({
      entityKey: id,
      entityType: 7,
    });
  });
});

describe('financial/Journals', () => {
  it('has the bank, sales and memorial journals with their types', async () => {
    const rows = await getRows(`financial/Journals?$select=Code,Type,GLAccountCode,AllowVAT&$orderby=Code`);
    expect(rows.map((r) => [r['Code'], r['Type'], r['GLAccountCode']])).toEqual([
      ['10', 10, '1000'],
      ['20', 12, '1100'],
      ['70', 20, null],
      ['90', 90, null],
    ]);
  });

  it('keeps journal codes unique and checks the GL account', async () => {
    const post = (body: Row) => api.sandbox.call('POST', `${api.base}/financial/Journals`, api.token, body);
    expect(await errorOf(await post({ Code: '70', Description: 'Nog een verkoopboek', Type: 20 }))).toEqual([
      500,
      'Gegeven bestaat reeds.',
    ]);
    expect(
      await errorOf(
        await post({
          Code: '71',
          Description: 'X',
          Type: 20,
          GLAccount: '11111111-2222-4333-8444-555555555555',
        }),
      ),
    ).toEqual([500, 'Bestaat niet: GLAccount']);
  });

  it('deletes only journals that are not in use', async () => {
    const journals = await getRows(`financial/Journals?$select=ID,Code`);
    const keyOf = (code: string) =>
      `${api.base}/financial/Journals(guid'${String(journals.find((j) => j['Code'] === code)?.['ID'])}')`;
    expect(await errorOf(await api.sandbox.call('DELETE', keyOf('70'), api.token))).toEqual([
      500,
      'Dagboek 70 is in gebruik en kan niet verwijderd worden.',
    ]);
    expect((await api.sandbox.call('DELETE', keyOf('10'), api.token)).status).toBe(204);
  });
});
