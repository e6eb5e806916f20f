import { describe, expect, it } from 'vitest';
import type { Account, SalesOrder } from './entities.generated.js';
import {
  and,
  cmp,
  endswith,
  filterOn,
  lit,
  not,
  odataQuery,
  or,
  startswith,
  substringof,
  type Filter,
} from './odata-query.js';

const accounts = filterOn<Account>();
const orders = filterOn<SalesOrder>();

describe('OData literals', () => {
  it('double quotes, wrap GUIDs and dates, and suffix Int64 with L', () => {
    expect(lit.string("Van 't Hof")).toBe("'Van ''t Hof'");
    expect(lit.string("''")).toBe("''''''");
    expect(lit.guid('3F2504E0-4F89-11D3-9A0C-0305E82C3301')).toBe(
      "guid'3F2504E0-4F89-11D3-9A0C-0305E82C3301'",
    );
    expect(() => lit.guid("x' or 1 eq 1")).toThrow(/Not a GUID/);
    expect(lit.datetime('2026-01-01T00:00:00Z')).toBe("datetime'2026-01-01T00:00:00'");
    expect(lit.datetime('2026-01-01T00:00:00+01:00')).toBe("datetime'2026-01-01T00:00:00'");
    expect(lit.int64(9007199254740993n)).toBe('9007199254740993L');
    expect(lit.int64('12')).toBe('12L');
    expect(lit.number(0.5)).toBe('0.5');
    expect(() => lit.number(Number.NaN)).toThrow(/finite/);
    expect(lit.boolean(false)).toBe('false');
    expect(lit.null()).toBe('null');
  });
});

describe('typed filters', () => {
  it('compare fields with literals of their own type', () => {
    expect(accounts.cmp('Name', 'eq', lit.string("O'Brien"))).toBe("Name eq 'O''Brien'");
    expect(accounts.cmp('Blocked', 'eq', lit.boolean(false))).toBe('Blocked eq false');
    expect(orders.cmp('OrderNumber', 'ge', lit.number(10))).toBe('OrderNumber ge 10');
    expect(orders.cmp('Modified', 'gt', lit.datetime('2026-03-01T00:00:00'))).toBe(
      "Modified gt datetime'2026-03-01T00:00:00'",
    );
    expect(accounts.cmp('Email', 'ne', lit.null())).toBe('Email ne null');
    // @ts-expect-error no such field on Account
    expect(accounts.cmp('YourRef', 'eq', lit.string('x'))).toBe("YourRef eq 'x'");
    // @ts-expect-error Blocked is a Boolean, not text
    expect(accounts.cmp('Blocked', 'eq', lit.string('x'))).toBe("Blocked eq 'x'");
    // @ts-expect-error a child collection is not comparable
    expect(orders.cmp('SalesOrderLines', 'eq', lit.string('x'))).toBe("SalesOrderLines eq 'x'");
  });

  it('combine with and/or/not, each part in parentheses', () => {
    const f = accounts.and(
      accounts.cmp('IsSales', 'eq', lit.boolean(true)),
      accounts.or(
        accounts.cmp('City', 'eq', lit.string('Delft')),
        not(accounts.cmp('Blocked', 'eq', lit.boolean(true))),
      ),
    );
    expect(f).toBe("(IsSales eq true) and ((City eq 'Delft') or (not (Blocked eq true)))");
    const orderFilter = orders.cmp('YourRef', 'eq', lit.string('A'));
    // @ts-expect-error a filter on sales orders does not go into an account query
    const mixed: Filter<Account> = orderFilter;
    expect(mixed).toBe("YourRef eq 'A'");
  });

  it('write the string functions with escaped text', () => {
    expect(accounts.substringof("'t", 'Name')).toBe("substringof('''t', Name) eq true");
    expect(accounts.startswith('Name', 'Bakker')).toBe("startswith(Name, 'Bakker') eq true");
    expect(accounts.endswith('Email', '@example.nl')).toBe("endswith(Email, '@example.nl') eq true");
    // @ts-expect-error Blocked is not text
    expect(accounts.startswith('Blocked', 'x')).toBe("startswith(Blocked, 'x') eq true");
  });

  it('stay usable untyped, as before', () => {
    expect(and(cmp('A', 'eq', lit.number(1)), or('B eq 2', 'C eq 3'))).toBe(
      '(A eq 1) and ((B eq 2) or (C eq 3))',
    );
    expect(substringof('x', 'Anything')).toBe("substringof('x', Anything) eq true");
    expect(startswith('A', 'x') + endswith('B', 'y')).toBe(
      "startswith(A, 'x') eq trueendswith(B, 'y') eq true",
    );
  });
});

describe('typed query options', () => {
  it('check $select, $expand and $orderby names and encode the filter', () => {
    const q = odataQuery<SalesOrder>({
      filter: orders.cmp('YourRef', 'eq', lit.string('R&D 1')),
      select: ['OrderID', 'YourRef', 'SalesOrderLines/ItemCode', 'SalesOrderLines/Quantity'],
      expand: ['SalesOrderLines'],
      orderBy: ['OrderNumber desc', 'OrderID'],
      top: 5,
      inlineCount: true,
    });
    expect(q).toBe(
      "?$filter=YourRef%20eq%20'R%26D%201'&$select=OrderID,YourRef,SalesOrderLines/ItemCode,SalesOrderLines/Quantity" +
        '&$expand=SalesOrderLines&$orderby=OrderNumber%20desc%2COrderID&$top=5&$inlinecount=allpages',
    );
    // @ts-expect-error no such field
    expect(odataQuery<Account>({ select: ['Nmae'] })).toBe('?$select=Nmae');
    // @ts-expect-error Name is not a collection
    expect(odataQuery<Account>({ expand: ['Name'] })).toBe('?$expand=Name');
    // @ts-expect-error not a field of the lines
    expect(odataQuery<SalesOrder>({ select: ['SalesOrderLines/Nope'] })).toBe(
      '?$select=SalesOrderLines/Nope',
    );
    // @ts-expect-error only asc or desc
    expect(odataQuery<Account>({ orderBy: 'Name down' })).toBe('?$orderby=Name%20down');
    expect(odataQuery({})).toBe('');
  });
});
