import { afterEach, describe, expect, it } from 'vitest';
import { seededRandom } from '../../sandboxes/asperion/seed/seeded-random.js';
import {
  control,
  crashThenFinish,
  expectSettled,
  listAsperion,
  listExact,
  startCrashSetup,
  type ChildWatch,
  type CrashSetup,
  type Sandbox,
} from '../../testing/crash-harness.js';
import { testDialects } from '../../testing/databases.js';
import { splitName } from './exact-account-writer.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- tests read the sandboxes' JSON as it comes */

// The customers flow survives SIGKILL at random moments, a company's account cut off
// before its contact included, and ends with every debtor in Exact exactly once.

const debtorCount = 120;

/** 120 debtors through Asperion's API: every other one a company with an attention-to person. */
async function addDebtors(asperion: Sandbox, seed: number): Promise<void> {
  const random = seededRandom(seed);
  const firstNames = ['Anna', 'Bert', 'Carla', 'Dirk', 'Els', 'Frank'];
  const lastNames = ['de Vries', 'Jansen', 'van den Berg', 'Smit', 'Bakker'];
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)]!;
  const { access_token: token } = await control(asperion.url, 'POST', 'tokens', {});
  for (let n = 1; n <= debtorCount; n++) {
    const company = n % 2 === 0;
    const body = {
      name: company ? `Crashtest Bedrijf ${n} BV` : `Crashtest Persoon ${n}`,
      address: `Dorpsstraat ${n}`,
      postCode: '3511 AA',
      city: 'Utrecht',
      countryCode: 'NL',
      emailAddress: `debiteur${n}@crashtest.example.nl`,
      paymentConditionId: 2,
      debtorKindId: company ? 'ZAK' : 'PAR',
      ...(company ? { attentionTo: `${pick(firstNames)} ${pick(lastNames)}` } : {}),
    };
    const res = await fetch(`${asperion.url}/v1/debtors`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        accept: 'application/json',
        'x-tenant-id': '1',
      },
      body: JSON.stringify(body),
    });
    if (res.status !== 201) throw new Error(`debtor refused: ${res.status} ${await res.text()}`);
  }
}

/** The flow's writes that count towards a kill: account creates in Exact. */
const accountCreates: ChildWatch = {
  app: 'exact',
  isWrite: (r) => r.method === 'POST' && /\/crm\/Accounts$/i.test(r.path),
};

describe.each(testDialects)('customers flow under SIGKILL (%s)', (dialect) => {
  let s: CrashSetup | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });

  it('sends 120 debtors exactly once, each company with its main contact, through five SIGKILLs', async () => {
    // The reference seed has Exact's payment conditions; none of its accounts shares an e-mail with
    // a debtor, so every debtor gets an account of its own.
    s = await startCrashSetup(dialect, { kind: 'customers', exactSeed: 'reference' });
    await addDebtors(s.asperion, dialect === 'sqlite' ? 21 : 22);
    const debtors = await listAsperion(s.asperion, 'debtors');
    expect(debtors.length).toBeGreaterThanOrEqual(debtorCount);

    const random = seededRandom(dialect === 'sqlite' ? 31 : 32);
    // 5–24 account creates into each child, so all five kills land before the last debtor.
    const killAfters = Array.from({ length: 5 }, () => 5 + Math.floor(random() * 20));
    const { killed } = await crashThenFinish(s, 'customers', accountCreates, killAfters);
    expect(killed.reduce((sum, k) => sum + k.writes, 0)).toBeLessThan(debtors.length);

    const accounts = await listExact(s.exact, 'crm/Accounts', {
      $filter: "substringof('[koppel:', CodeAtSupplier) eq true",
      $select: 'ID,Name,CodeAtSupplier,MainContact',
    });
    const byMarker = new Map<string, any[]>();
    for (const a of accounts) byMarker.set(a.CodeAtSupplier, [...(byMarker.get(a.CodeAtSupplier) ?? []), a]);
    const twice = [...byMarker]
      .filter(([, rows]) => rows.length > 1)
      .map(([m, rows]) => `${m} ×${rows.length}`);
    expect(twice, 'debtors sent more than once').toEqual([]);
    const lost = debtors.filter((d) => !byMarker.has(`[koppel:${d.id}]`)).map((d) => d.id);
    expect(lost, 'debtors lost').toEqual([]);
    expect(accounts).toHaveLength(debtors.length);

    const contacts = await listExact(s.exact, 'bulk/CRM/Contacts', {
      $select: 'ID,Account,FirstName,LastName',
    });
    const contactById = new Map(contacts.map((c) => [c.ID, c]));
    const companies = debtors.filter((d) => typeof d.attentionTo === 'string' && d.attentionTo.trim() !== '');
    expect(companies.length).toBeGreaterThanOrEqual(debtorCount / 2);
    const wrongContact = companies
      .map((d) => {
        const account = byMarker.get(`[koppel:${d.id}]`)![0];
        const contact = contactById.get(account.MainContact);
        const want = splitName(d.attentionTo);
        return {
          debtor: d.id,
          want,
          got: contact ? { FirstName: contact.FirstName, LastName: contact.LastName } : null,
        };
      })
      .filter((x) => x.got?.FirstName !== x.want.FirstName || x.got?.LastName !== x.want.LastName);
    expect(wrongContact, 'companies without their attention-to person as main contact').toEqual([]);
    // A contact added twice (a crash between a contact and the account's MainContact) would show
    // as two contacts of one name on one account.
    const koppelAccountIds = new Set(accounts.map((a) => a.ID));
    const seen = new Map<string, number>();
    for (const c of contacts.filter((c) => koppelAccountIds.has(c.Account))) {
      const key = `${c.Account} ${c.FirstName ?? ''} ${c.LastName}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    expect(
      [...seen].filter(([, n]) => n > 1).map(([k, n]) => `${k} ×${n}`),
      'contacts added twice',
    ).toEqual([]);

    await expectSettled(s.tdb, 'customers', debtors.length);
  }, 60_000);
});
