import { describe, expect, it } from 'vitest';
import { parseFieldList } from './field-list.js';

describe('parseFieldList (appendix A notation)', () => {
  it('reads key, POST, PUT and mandatory flags', () => {
    const list = parseFieldList('ID:Guid[KPU], Name:String[PU!], Created:DateTime, DeliverTo:Guid[P]');
    expect(list.scalars).toEqual([
      { name: 'ID', type: 'Guid', key: true, post: true, put: true, mandatory: false },
      { name: 'Name', type: 'String', key: false, post: true, put: true, mandatory: true },
      { name: 'Created', type: 'DateTime', key: false, post: false, put: false, mandatory: false },
      { name: 'DeliverTo', type: 'Guid', key: false, post: true, put: false, mandatory: false },
    ]);
  });

  it('takes non-scalar types as child collections, with their mandatory flag', () => {
    const list = parseFieldList(
      'OrderID:Guid[KPU], SalesOrderLines:SalesOrderLines[PU!], Charges:SalesOrderOrderChargeLine[] collection{new}',
    );
    expect([...list.collections]).toEqual([
      ['SalesOrderLines', { mandatory: true }],
      ['Charges', { mandatory: false }],
    ]);
  });

  it('takes {new} fields as writable, their writability being unknown', () => {
    expect(parseFieldList('CustomField:String{new}').scalars[0]).toMatchObject({
      post: true,
      put: true,
      new: true,
    });
    expect(parseFieldList('Name:String[PU]').scalars[0]).not.toHaveProperty('new');
  });

  it('refuses an entry it cannot read', () => {
    expect(() => parseFieldList('Name String')).toThrow('Unreadable field entry "Name String"');
  });
});
