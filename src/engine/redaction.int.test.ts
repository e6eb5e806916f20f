import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MASKED_EMAIL } from '../core/redaction.js';
import { putSetting } from '../store/repos/settings.js';
import { dumpDatabase, testDialects } from '../testing/databases.js';
import { startPair, type Pair } from '../testing/flow-test-pair.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- tests read the sandboxes' JSON as it comes */

// Mixed case on purpose: the assertions look for these in any case.
const goodEmail = 'Petra.Geheim@Klanten.Example.nl';
const clashEmail = 'Dubbel.Geheim@Klanten.Example.nl';
const iban = 'NL91ABNA0417164300';
const refusedEmail = 'Echo.Geheim@Klanten.Example.nl';

const debtor = (n: number, extra: Record<string, unknown>) => ({
  name: `Privéklant ${n}`,
  address: `Kerkstraat ${n}`,
  postCode: '1011 AB',
  city: 'Amsterdam',
  countryCode: 'NL',
  paymentConditionId: 1,
  ...extra,
});

describe.each(testDialects)('redaction of e-mail and IBAN across both apps (%s)', (dialect) => {
  let pair: Pair;
  let dump = '';
  beforeAll(async () => {
    pair = await startPair(dialect, { kind: 'customers' });
    await putSetting(pair.fx.h.store.db, 'redaction', ['email', 'iban'], pair.fx.clock.now().toISOString());
    // The demo's debtors are not this test's customers: the first run moves the cursor past them.
    await pair.run();
    const add = async (body: Record<string, unknown>) => {
      const res = await pair.asperion.call('POST', '/v1/debtors', { body, headers: { 'x-tenant-id': '1' } });
      if (res.status !== 201) throw new Error(`debtor refused: ${JSON.stringify(res.body)}`);
      return res.body as any;
    };
    await add(debtor(1, { emailAddress: goodEmail, iban }));
    // Two accounts Koppel did not make share this debtor's e-mail: its match is ambiguous, so it fails.
    for (const n of [1, 2])
      await pair.writeExact('POST', 'crm/Accounts', { Name: `Dubbel ${n}`, Email: clashEmail, Status: 'C' });
    await add(debtor(2, { emailAddress: clashEmail, iban }));
    const run = await pair.run();
    expect(run.counts.created).toBe(1);
    expect(run.counts.deadLettered).toBe(1);
    // Exact's refusals echo the value they refuse; that answer reaches the log and the dead letter.
    await add(debtor(3, { emailAddress: refusedEmail }));
    const fault = await fetch(`${pair.fx.url}/__sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        path: '/crm/Accounts',
        method: 'POST',
        status: 400,
        times: 1,
        message: `Email: '${refusedEmail}' is not a valid e-mail address`,
      }),
    });
    expect(fault.ok).toBe(true);
    const refused = await pair.run();
    expect(refused.counts.deadLettered).toBe(1);
    dump = await dumpDatabase(pair.fx.h.store);
  }, 60_000);
  afterAll(() => pair?.close());

  it('sent the e-mail and the IBAN to Exact, so they were there to be redacted', async () => {
    const accounts = await pair.exact('crm/Accounts', { $filter: `Email eq '${goodEmail}'` });
    expect(accounts).toHaveLength(1);
    // The failure is about the clash, and the stored error says so without the address.
    const [letter] = await pair.deadLetters();
    expect(letter).toContain('More than one account with that e-mail address');
  });

  it('leaves the e-mail addresses and the IBAN nowhere in the database', () => {
    expect(dump).toContain('Privéklant 1');
    const text = dump.toLowerCase();
    for (const secret of [goodEmail, clashEmail, refusedEmail, iban])
      expect(text).not.toContain(secret.toLowerCase());
  });

  it('leaves them out of the run’s log lines, also where an answer echoed one', () => {
    const logs = pair.fx.h.logLines.join('\n');
    expect(logs).toContain('run finished');
    // The refusal was logged, with the address masked where it stood.
    expect(logs).toContain(`Email: '${MASKED_EMAIL}' is not a valid e-mail address`);
    for (const secret of [goodEmail, clashEmail, refusedEmail, iban])
      expect(logs.toLowerCase()).not.toContain(secret.toLowerCase());
  });
});
