import { useDivisionApi, type Row } from '../../../testing/exact-division-api.js';
import { describe, expect, it } from 'vitest';

const api = useDivisionApi();
const { allRows, created, errorOf, post, rows } = api;

async function customer(): Promise<Row> {
  const found = await rows(`crm/Accounts?$filter=Status eq 'C'&$top=1`);
  return found[0] ?? {};
}

describe('crm/Contacts (reference 7.2)', () => {
  it('serves the demo contacts keyed by ID, each on an existing account, one to three per account', async () => {
    const contacts = await allRows('crm/Contacts?$select=ID,Account,FullName,IsMainContact');
    expect(contacts.length).toBeGreaterThan(0);
    const accounts = new Set(
      (await allRows('crm/Accounts?$filter=Blocked eq false or Blocked eq true&$select=ID')).map(
        (a) => a['ID'],
      ),
    );
    expect(accounts.size).toBe(224);
    const perAccount = new Map<unknown, number>();
    for (const c of contacts) {
      expect(accounts.has(c['Account'])).toBe(true);
      perAccount.set(c['Account'], (perAccount.get(c['Account']) ?? 0) + 1);
    }
    expect(Math.max(...perAccount.values())).toBeLessThanOrEqual(3);
    // The account's main contact is flagged on the contact.
    const main = contacts.find((c) => c['IsMainContact'] === true);
    const account = await api.sandbox.call(
      'GET',
      `${api.base}/crm/Accounts(guid'${String(main?.['Account'])}')`,
      api.token,
    );
    expect(((await account.json()) as { d: Row }).d['MainContact']).toBe(main?.['ID']);
    const one = await api.sandbox.call(
      'GET',
      `${api.base}/crm/Contacts(guid'${String(main?.['ID'])}')`,
      api.token,
    );
    expect(((await one.json()) as { d: Row }).d['__metadata']).toEqual({
      uri: `${api.sandbox.url}${api.base}/crm/Contacts(guid'${String(main?.['ID'])}')`,
      type: 'Exact.Web.Api.Models.Contact',
    });
  });

  it('creates a contact with Account and one name, filling the read-only lookups itself', async () => {
    const account = await customer();
    const row = await created('crm/Contacts', {
      Account: account['ID'],
      LastName: 'Hoekstra',
      Email: 'r.hoekstra@example.nl',
      AccountName: 'Niet dit',
      FullName: 'Ook niet dit',
    });
    expect(row).toMatchObject({
      Account: account['ID'],
      AccountName: account['Name'],
      FullName: 'Hoekstra',
      Email: 'r.hoekstra@example.nl',
      // Email and BusinessEmail are one value (reference 7.2).
      BusinessEmail: 'r.hoekstra@example.nl',
      IsMainContact: false,
    });
  });

  it('requires Account and one of FirstName/LastName (500 Verplicht)', async () => {
    const account = await customer();
    expect(await errorOf(await post('crm/Contacts', { FirstName: 'Anna' }))).toEqual([
      500,
      'Verplicht: Account',
    ]);
    expect(await errorOf(await post('crm/Contacts', { Account: account['ID'] }))).toEqual([
      500,
      'Verplicht: LastName',
    ]);
    expect((await post('crm/Contacts', { Account: account['ID'], FirstName: 'Anna' })).status).toBe(201);
  });

  it('refuses a contact on an account that does not exist with a 500', async () => {
    const res = await post('crm/Contacts', {
      Account: '11111111-2222-4333-8444-555566667777',
      LastName: 'Niemand',
    });
    expect(await errorOf(res)).toEqual([500, 'Bestaat niet: Account']);
  });

  it('updates partially, keeps Account (POST only) and refuses clearing the last name', async () => {
    const account = await customer();
    const contact = await created('crm/Contacts', {
      Account: account['ID'],
      FirstName: 'Ko',
      LastName: 'Smit',
    });
    const uri = `${api.base}/crm/Contacts(guid'${String(contact['ID'])}')`;
    const other = (await rows(`crm/Accounts?$filter=Status eq 'P'&$top=1`))[0];
    expect(
      (await api.sandbox.call('PUT', uri, api.token, { MiddleName: 'de', Account: other?.['ID'] })).status,
    ).toBe(204);
    const after = ((await (await api.sandbox.call('GET', uri, api.token)).json()) as { d: Row }).d;
    expect(after).toMatchObject({ Account: account['ID'], FullName: 'Ko de Smit' });
    expect(
      await errorOf(await api.sandbox.call('PUT', uri, api.token, { FirstName: '', LastName: '' })),
    ).toEqual([500, 'Verplicht: LastName']);
  });

  it("follows the account's MainContact, which must be one of the account's own contacts", async () => {
    const account = await customer();
    const contact = await created('crm/Contacts', { Account: account['ID'], LastName: 'Hoofd' });
    const accountUri = `${api.base}/crm/Accounts(guid'${String(account['ID'])}')`;
    expect(
      (await api.sandbox.call('PUT', accountUri, api.token, { MainContact: contact['ID'] })).status,
    ).toBe(204);
    const contacts = await rows(
      `crm/Contacts?$filter=Account eq guid'${String(account['ID'])}'&$select=ID,IsMainContact,AccountMainContact`,
    );
    expect(contacts.filter((c) => c['IsMainContact'] === true).map((c) => c['ID'])).toEqual([contact['ID']]);
    expect(contacts.every((c) => c['AccountMainContact'] === contact['ID'])).toBe(true);
    const contactUri = `${api.base}/crm/Contacts(guid'${String(contact['ID'])}')`;
    expect((await api.sandbox.call('DELETE', contactUri, api.token)).status).toBe(204);
    const account2 = ((await (await api.sandbox.call('GET', accountUri, api.token)).json()) as { d: Row }).d;
    expect(account2['MainContact']).toBeNull();
    const stranger = (await rows(`crm/Contacts?$filter=Account ne guid'${String(account['ID'])}'&$top=1`))[0];
    expect(
      await errorOf(await api.sandbox.call('PUT', accountUri, api.token, { MainContact: stranger?.['ID'] })),
    ).toEqual([500, 'Bestaat niet: MainContact']);
  });

  it('deletes with 204 and logs EntityType 5 for sync/Deleted', async () => {
    const account = await customer();
    const contact = await created('crm/Contacts', { Account: account['ID'], LastName: 'Weg' });
    const uri = `${api.base}/crm/Contacts(guid'${String(contact['ID'])}')`;
    expect((await api.sandbox.call('DELETE', uri, api.token)).status).toBe(204);
    expect(api.sandbox.state.division(3215711)?.deleted.at(-1)).toMatchObject({
      entityKey: contact['ID'],
      entityType: 5,
    });
  });
});

describe('crm/Addresses (reference 7.3)', () => {
  it('serves visit, invoice and delivery addresses of existing accounts', async () => {
    const addresses = await rows('crm/Addresses?$select=Account,Type,Main,AccountName');
    const types = new Set(addresses.map((a) => a['Type']));
    expect(types).toEqual(new Set([1, 3, 4]));
    expect(addresses.every((a) => typeof a['AccountName'] === 'string')).toBe(true);
  });

  it('answers a POST of an identical address with the existing ID instead of a new row', async () => {
    const account = await customer();
    const address = {
      Account: account['ID'],
      Type: 4,
      AddressLine1: 'Laan van Nieuw Oost 12',
      Postcode: '3512 AB',
      City: 'Utrecht',
      Country: 'NL',
    };
    const first = await created('crm/Addresses', address);
    const before = (await rows(`crm/Addresses?$filter=Account eq guid'${String(account['ID'])}'&$select=ID`))
      .length;
    const second = await created('crm/Addresses', address);
    expect(second['ID']).toBe(first['ID']);
    const after = (await rows(`crm/Addresses?$filter=Account eq guid'${String(account['ID'])}'&$select=ID`))
      .length;
    expect(after).toBe(before);
    const moved = await created('crm/Addresses', { ...address, AddressLine1: 'Laan van Nieuw Oost 14' });
    expect(moved['ID']).not.toBe(first['ID']);
  });

  it('keeps one main address per account and type', async () => {
    const account = await customer();
    const a = await created('crm/Addresses', {
      Account: account['ID'],
      Type: 2,
      Main: true,
      AddressLine1: 'Postbus 1',
    });
    const b = await created('crm/Addresses', {
      Account: account['ID'],
      Type: 2,
      Main: true,
      AddressLine1: 'Postbus 2',
    });
    const postal = await rows(
      `crm/Addresses?$filter=Account eq guid'${String(account['ID'])}' and Type eq 2&$select=ID,Main`,
    );
    expect(postal.find((r) => r['ID'] === a['ID'])?.['Main']).toBe(false);
    expect(postal.find((r) => r['ID'] === b['ID'])?.['Main']).toBe(true);
  });

  it('refuses unknown Account or Contact references and a warehouse on a non-delivery address', async () => {
    expect(
      await errorOf(
        await post('crm/Addresses', { Account: '11111111-2222-4333-8444-555566667777', Type: 1 }),
      ),
    ).toEqual([500, 'Bestaat niet: Account']);
    const account = await customer();
    expect(
      await errorOf(
        await post('crm/Addresses', {
          Account: account['ID'],
          Contact: '11111111-2222-4333-8444-555566667777',
        }),
      ),
    ).toEqual([500, 'Bestaat niet: Contact']);
    const warehouse = (await rows('inventory/Warehouses?$filter=Main eq 1'))[0];
    const visit = await post('crm/Addresses', {
      Account: account['ID'],
      Type: 1,
      Warehouse: warehouse?.['ID'],
    });
    expect((await errorOf(visit))[0]).toBe(500);
    const delivery = await created('crm/Addresses', {
      Account: account['ID'],
      Type: 4,
      AddressLine1: 'Magazijnweg 3',
      Warehouse: warehouse?.['ID'],
    });
    expect(delivery['WarehouseCode']).toBe(warehouse?.['Code']);
  });

  it('ignores read-only lookups and deletes with EntityType 3', async () => {
    const account = await customer();
    const row = await created('crm/Addresses', {
      Account: account['ID'],
      Type: 1,
      AddressLine1: 'Nieuwegracht 5',
      Country: 'BE',
      AccountName: 'Verzonnen',
      CountryName: 'Verzonnen',
    });
    expect(row['AccountName']).toBe(account['Name']);
    expect(row['CountryName']).toBe('België');
    const uri = `${api.base}/crm/Addresses(guid'${String(row['ID'])}')`;
    expect((await api.sandbox.call('DELETE', uri, api.token)).status).toBe(204);
    expect(api.sandbox.state.division(3215711)?.deleted.at(-1)).toMatchObject({ entityType: 3 });
  });
});

describe('crm/Accounts SalesVATCode (reference 7.1, 7.13)', () => {
  it('takes one of the division VAT codes and refuses another, on POST and PUT', async () => {
    expect((await post('crm/Accounts', { Name: 'Met btw', SalesVATCode: 'VH' })).status).toBe(201);
    expect(await errorOf(await post('crm/Accounts', { Name: 'Zonder btw', SalesVATCode: 'ZZ' }))).toEqual([
      500,
      'Bestaat niet: SalesVATCode',
    ]);
    const account = await customer();
    const uri = `${api.base}/crm/Accounts(guid'${String(account['ID'])}')`;
    expect(await errorOf(await api.sandbox.call('PUT', uri, api.token, { SalesVATCode: 'ZZ' }))).toEqual([
      500,
      'Bestaat niet: SalesVATCode',
    ]);
    expect((await api.sandbox.call('PUT', uri, api.token, { SalesVATCode: 'EX' })).status).toBe(204);
  });
});
