import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generatedPath, renderExactEntities } from '../../../scripts/gen-exact-entities.js';
import { entityCatalog } from '../../sandboxes/exact-online/entities/entity-catalog.js';
import { defineEntity } from '../../sandboxes/exact-online/entities/entity-descriptor.js';
import { exactEndpoints, type Account, type SalesOrderCreate } from './entities.generated.js';

describe('the generated Exact entity types', () => {
  // Formatting the 3,000-line file takes seconds on a busy machine.
  it(
    'are what the sandbox catalog generates now (else run `npm run gen:exact`)',
    { timeout: 30_000 },
    async () => {
      const current = await renderExactEntities();
      expect(readFileSync(generatedPath, 'utf8') === current, 'entities.generated.ts is stale').toBe(true);
    },
  );

  it('list every catalog endpoint with its key, methods and children', () => {
    expect(Object.keys(exactEndpoints).sort()).toEqual(entityCatalog.map((e) => e.path).sort());
    expect(exactEndpoints['salesorder/SalesOrders']).toMatchObject({
      key: 'OrderID',
      children: { SalesOrderLines: { path: 'salesorder/SalesOrderLines', key: 'ID' } },
    });
  });

  it('state, per entity, where its field list comes from', () => {
    // Doc comments as one line each, so a wrapped sentence reads whole.
    const text = readFileSync(generatedPath, 'utf8').replaceAll('\n * ', ' ');
    for (const e of entityCatalog) {
      const file = `scripts/exact-field-lists/${e.path.replaceAll('/', '.')}.json`;
      expect(text, e.path).toContain(
        `\`${e.path}\` (\`${e.typeName}\`), key \`${e.key}\`. Field list checked against ${file}: Exact's`,
      );
    }
    expect(text).toContain('/** Since 2022. */\n  EnableSalesPaymentLink: boolean | null;');
  });

  it('type rows and writes from the field list (checked by the compiler)', () => {
    const row: Pick<Account, 'ID' | 'Code' | 'Blocked'> = { ID: 'x', Code: null, Blocked: false };
    // @ts-expect-error a Guid is text, not a number
    const wrong: Pick<Account, 'ID'> = { ID: 1 };
    // @ts-expect-error OrderedBy and SalesOrderLines are mandatory on POST
    const missing: SalesOrderCreate = { Description: 'x' };
    const order: SalesOrderCreate = { OrderedBy: 'a', SalesOrderLines: [{ Item: 'i', Quantity: 2 }] };
    expect([row, wrong, missing, order]).toHaveLength(4);
  });

  it('names two different shapes that share a type name after their paths', async () => {
    const a = defineEntity({
      path: 'crm/Accounts',
      typeName: 'Exact.Web.Api.Models.Account',
      methods: ['GET'],
      pageSize: 60,
      skipAllowed: true,
      fieldList: 'ID:Guid[K], Name:String[PU!]',
    });
    const b = defineEntity({
      path: 'sync/CRM/Accounts',
      typeName: 'Exact.Web.Api.Sync.Account',
      methods: ['GET'],
      pageSize: 1000,
      skipAllowed: false,
      fieldList: 'Timestamp:Int64[K], ID:Guid, Name:String',
    });
    const text = await renderExactEntities([a, b]);
    expect(text).toContain('export interface CrmAccounts {');
    expect(text).toContain('export interface SyncCRMAccounts {');
    expect(text).toContain('  Timestamp: ExactInt64;');
    expect(text).toContain("'sync/CRM/Accounts': SyncCRMAccounts;");
    expect(text).toContain('  Name: string;\n}');
  });
});
