import { afterEach, describe, expect, it } from 'vitest';
import { testDialects } from '../../testing/databases.js';
import { startExactFixture, type ExactFixture } from '../../testing/exact-fixture.js';
import { ExactClient } from './exact-client.js';

describe.each(testDialects)('the Exact Online client against the sandbox on %s', (dialect) => {
  let x: ExactFixture;
  afterEach(async () => x?.close());

  /** A client whose stored pair claims to be valid for a day (so the sandbox is the one to say no). */
  async function setUp() {
    x = await startExactFixture(dialect, { claimedLifetimeMs: 86_400_000 });
    const client = new ExactClient(await x.context(), x.app, x.division);
    return { client, clock: x.clock, tokenCalls: x.tokenCalls };
  }

  it('creates an account, finds it by code and by e-mail, and updates it partially', async () => {
    const { client } = await setUp();
    const created = await client.create('crm/Accounts', {
      Name: 'Fietsenmakerij De Spaak',
      Code: '900123',
      Email: 'info@despaak.nl',
      City: 'Utrecht',
    });
    expect(created).toMatchObject({ Name: 'Fietsenmakerij De Spaak', Code: '            900123' });
    expect(await client.findAccountByCode('900123')).toMatchObject({
      ID: created.ID,
      Email: 'info@despaak.nl',
    });
    expect(await client.findAccountByEmail('info@despaak.nl')).toMatchObject({ ID: created.ID });
    expect(await client.findAccountByEmail('nobody@example.nl')).toBeNull();
    await client.update('crm/Accounts', String(created.ID), { Name: 'Fietsenmakerij De Spaak BV' });
    expect(await client.findAccountByCode('900123', ['Name', 'City'])).toEqual(
      expect.objectContaining({ Name: 'Fietsenmakerij De Spaak BV', City: 'Utrecht' }),
    );
    expect(await client.findSalesOrderByYourRef('koppel:no-such-order')).toBeNull();
  });

  it('refreshes once and retries once when Exact refuses a token it believed valid', async () => {
    const { client, clock, tokenCalls } = await setUp();
    expect(await client.findAccountByEmail('nobody@example.nl')).toBeNull();
    clock.advance(601_000); // the sandbox expired the token; our copy says it has a day left
    expect(await client.findAccountByEmail('nobody@example.nl')).toBeNull();
    expect(await tokenCalls()).toBe(1);
  });
});
