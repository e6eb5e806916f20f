import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayDeadLetters } from '../../engine/replay.js';
import { testDialects } from '../../testing/databases.js';
import { startPair, type Pair } from '../../testing/flow-test-pair.js';
import { customersDefaultMapping } from './default-mapping.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- tests read the sandboxes' JSON as it comes */

const debtor = (n: number, extra: Record<string, unknown> = {}) => ({
  name: `Foutklant ${n}`,
  address: `Kerkstraat ${n}`,
  postCode: '1011 AB',
  city: 'Amsterdam',
  countryCode: 'NL',
  emailAddress: `fout${n}@customers.example.nl`,
  paymentConditionId: 1,
  ...extra,
});

async function addDebtor(pair: Pair, body: Record<string, unknown>): Promise<any> {
  const res = await pair.asperion.call('POST', '/v1/debtors', { body, headers: { 'x-tenant-id': '1' } });
  if (res.status !== 201) throw new Error(`debtor refused: ${JSON.stringify(res.body)}`);
  return res.body;
}

const accountsWithKey = (pair: Pair, debtorId: number) =>
  pair.exact('crm/Accounts', { $filter: `CodeAtSupplier eq '[koppel:${debtorId}]'` });

/** A write-ahead row in doubt for a debtor's account create, as a run that died after the POST leaves it. */
async function createInDoubt(pair: Pair, debtorId: number, contentHash: string): Promise<void> {
  const at = pair.fx.clock.now().toISOString();
  await pair.fx.h.store.db
    .insertInto('write_ahead')
    .values({
      id: `wa-crash-${debtorId}`,
      pair_id: 'p1',
      flow_id: 'customers',
      entity: 'Account',
      source_id: String(debtorId),
      natural_key: String(debtorId),
      content_hash: contentHash,
      state: 'pending',
      target_id: null,
      created_at: at,
      updated_at: at,
    })
    .execute();
}

const fault = (pair: Pair, body: Record<string, unknown>) =>
  fetch(`${pair.fx.url}/__sandbox/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe.each(testDialects)('customers flow with bad debtors (%s)', (dialect) => {
  let pair: Pair;
  const d: Record<string, any> = {};
  beforeAll(async () => {
    // Demo debtors are not needed here: the cursor starts after them.
    pair = await startPair(dialect, {
      kind: 'customers',
      settings: { salesVatCode: { byCountry: { FR: 'ZZ' } } },
    });
    await pair.run();
    d.good = await addDebtor(pair, debtor(1));
    d.noEmail = await addDebtor(pair, debtor(2, { emailAddress: null }));
    d.unknownCountry = await addDebtor(pair, debtor(3, { countryCode: 'XX' }));
    d.refused = await addDebtor(pair, debtor(4, { countryCode: 'FR', city: 'Paris', name: 'Café Dupont' }));
    d.sameEmail = await addDebtor(pair, debtor(5, { emailAddress: 'fout1@customers.example.nl' }));
    d.unmapped = await addDebtor(pair, debtor(6, { paymentConditionId: 3 }));
    // Asperion (as the sandbox) takes these addresses; Exact would too, and the account would be useless.
    d.doubleDot = await addDebtor(pair, debtor(7, { emailAddress: 'fout7@customers..example.nl' }));
    d.comma = await addDebtor(pair, debtor(8, { emailAddress: 'fout8,inkoop@customers.example.nl' }));
    d.blankName = await addDebtor(pair, debtor(9, { name: '   ' }));
    await pair.setMapping({
      ...customersDefaultMapping,
      valueMaps: { paymentConditions: { entries: { '1': '14', '2': '30' } } },
    });
  }, 30_000);
  afterAll(() => pair?.close());

  it('fails each bad debtor with a clear error naming it, and sends the rest', async () => {
    const result = await pair.run();
    expect(result.counts.created).toBe(1);
    expect(await accountsWithKey(pair, d.good.id)).toHaveLength(1);
    const letters = await pair.deadLetters();
    const letterOf = (x: any) => letters.find((l) => l.startsWith(`${x.id}:`)) ?? '';
    expect(letters).toHaveLength(8);
    const named = (x: any) => `Asperion debtor ${x.customerNumber} (${x.name}, id ${x.id})`;
    expect(letterOf(d.noEmail)).toContain(`${named(d.noEmail)} has no e-mail address (emailAddress)`);
    expect(letterOf(d.unknownCountry)).toContain(`${named(d.unknownCountry)} has an unknown country "XX"`);
    // Exact's own refusal, with the debtor in front.
    expect(letterOf(d.refused)).toContain(named(d.refused));
    expect(letterOf(d.refused)).toContain('Bestaat niet: SalesVATCode');
    // Two debtors cannot share the account their e-mail matches.
    expect(letterOf(d.sameEmail)).toContain('was created by Koppel for Asperion debtor id');
    expect(letterOf(d.unmapped)).toMatch(/value "3" has no entry in value map "paymentConditions"/);
    // What is wrong and where to fix it, without repeating the address itself.
    expect(letterOf(d.doubleDot)).toContain(
      `${named(d.doubleDot)}: its e-mail address (emailAddress) has two dots in a row; correct it on the debtor in Asperion`,
    );
    expect(letterOf(d.doubleDot)).not.toContain(d.doubleDot.emailAddress);
    expect(letterOf(d.comma)).toContain(
      `${named(d.comma)}: its e-mail address (emailAddress) contains a character`,
    );
    // A name of spaces is no name: the mapping's `required` refuses it, for every flow.
    expect(letterOf(d.blankName)).toContain(
      `Asperion debtor ${d.blankName.customerNumber} (id ${d.blankName.id}): field "Name" (source name): required value is blank`,
    );
    const failed = [
      d.noEmail,
      d.unknownCountry,
      d.refused,
      d.sameEmail,
      d.unmapped,
      d.doubleDot,
      d.comma,
      d.blankName,
    ];
    for (const x of failed) expect(await accountsWithKey(pair, x.id)).toEqual([]);
  });

  it('sends a fixed debtor on replay, and a re-run creates nothing', async () => {
    const put = await pair.asperion.call('PUT', `/v1/debtors/${d.noEmail.id}`, {
      body: { emailAddress: 'gevonden@customers.example.nl' },
      headers: { 'x-tenant-id': '1' },
    });
    expect(put.status).toBeLessThan(300);
    const fixed = await pair.asperion.call('PUT', `/v1/debtors/${d.doubleDot.id}`, {
      body: { emailAddress: 'fout7@customers.example.nl' },
      headers: { 'x-tenant-id': '1' },
    });
    expect(fixed.status).toBeLessThan(300);
    const replay = await replayDeadLetters(pair.fx.h.deps, {
      filter: { flowId: 'customers' },
      mode: 'current',
    });
    expect(replay.matched).toBe(8);
    expect(await accountsWithKey(pair, d.noEmail.id)).toHaveLength(1);
    expect(await accountsWithKey(pair, d.doubleDot.id)).toHaveLength(1);
    const open = await pair.fx.h.store.db
      .selectFrom('dead_letters')
      .select('source_id')
      .where('state', '=', 'open')
      .execute();
    expect(open.map((r) => r.source_id).sort()).toEqual(
      [d.unknownCountry, d.refused, d.sameEmail, d.unmapped, d.comma, d.blankName]
        .map((x) => String(x.id))
        .sort(),
    );
    expect((await pair.run()).counts.created ?? 0).toBe(0);
  });
});

describe.each(testDialects)('customers flow after a crash or a lost answer (%s)', (dialect) => {
  let pair: Pair;
  beforeAll(async () => {
    pair = await startPair(dialect, { kind: 'customers' });
    await pair.run();
  }, 30_000);
  afterAll(() => pair?.close());

  it('finds accounts whose creates were announced but never confirmed, instead of creating them again', async () => {
    const lost = [await addDebtor(pair, debtor(10)), await addDebtor(pair, debtor(13))];
    for (const x of lost) {
      // The create went through before Koppel died: the account carries the key, the write-ahead row waits.
      await pair.writeExact('POST', 'crm/Accounts', {
        Name: x.name,
        Email: `other${x.id}@customers.example.nl`,
        Status: 'C',
        CodeAtSupplier: `[koppel:${x.id}]`,
      });
      await createInDoubt(pair, x.id, 'before-the-crash');
    }
    const result = await pair.run();
    expect(await pair.deadLetters()).toEqual([]);
    expect(result.counts.created ?? 0).toBe(0);
    for (const x of lost) {
      const rows = await accountsWithKey(pair, x.id);
      expect(rows).toHaveLength(1);
      // Linked, then brought in line with the debtor (its e-mail).
      expect(rows[0].Email).toBe(x.emailAddress);
    }
  });

  it('a company whose contact failed after its account is found by its key and finished, not duplicated', async () => {
    const x = await addDebtor(pair, debtor(11, { attentionTo: 'Karin Visser', cocNumber: '12345678' }));
    await fault(pair, { path: '/crm/Contacts', method: 'POST', status: 503, times: 1 });
    const result = await pair.run();
    expect(await pair.deadLetters()).toEqual([]);
    expect(result.counts.created).toBe(1);
    const rows = await accountsWithKey(pair, x.id);
    expect(rows).toHaveLength(1);
    expect(rows[0].MainContact).toBeTruthy();
    const contacts = await pair.exact('crm/Contacts', { $filter: `Account eq guid'${rows[0].ID}'` });
    expect(contacts.map((c: any) => [c.FirstName, c.LastName])).toEqual([['Karin', 'Visser']]);
  });

  it('a company account a dead process left without its contact gets it when the debtor is read again', async () => {
    const x = await addDebtor(pair, debtor(14, { attentionTo: 'Joost Kramer', cocNumber: '23456789' }));
    await pair.run();
    const db = pair.fx.h.store.db;
    const link = await db
      .selectFrom('links')
      .selectAll()
      .where('flow_id', '=', 'customers')
      .where('source_id', '=', String(x.id))
      .executeTakeFirstOrThrow();
    // The state a SIGKILL between the account's POST and its contact's leaves: the account with
    // Koppel's key and no contact, a write-ahead row in doubt with the payload's own hash, no link,
    // and the cursor still before the debtor's page.
    const [account] = await accountsWithKey(pair, x.id);
    await pair.writeExact('DELETE', `crm/Contacts(guid'${account.MainContact}')`);
    await db
      .deleteFrom('links')
      .where('flow_id', '=', 'customers')
      .where('source_id', '=', String(x.id))
      .execute();
    await db.deleteFrom('cursors').where('flow_id', '=', 'customers').execute();
    await createInDoubt(pair, x.id, link.content_hash);
    expect((await accountsWithKey(pair, x.id))[0].MainContact).toBeNull();

    const result = await pair.run();
    expect(await pair.deadLetters()).toEqual([]);
    expect(result.counts.created ?? 0).toBe(0);
    const rows = await accountsWithKey(pair, x.id);
    expect(rows).toHaveLength(1);
    const contacts = await pair.exact('crm/Contacts', { $filter: `Account eq guid'${rows[0].ID}'` });
    expect(contacts.map((c: any) => [c.FirstName, c.LastName])).toEqual([['Joost', 'Kramer']]);
    expect(rows[0].MainContact).toBe(contacts[0].ID);
  });

  it('an account create that failed for sure (503 before it was stored) is tried again once', async () => {
    const x = await addDebtor(pair, debtor(12));
    await fault(pair, { path: '/crm/Accounts', method: 'POST', status: 503, times: 1 });
    const result = await pair.run();
    expect(result.counts.created).toBe(1);
    expect(await accountsWithKey(pair, x.id)).toHaveLength(1);
  });
});
