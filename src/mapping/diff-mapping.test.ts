import { describe, expect, it } from 'vitest';
import { diffMappings } from './diff-mapping.js';
import type { MappingDefinition } from './types.js';

const v1: MappingDefinition = {
  fields: {
    name: { source: 'Name', required: true },
    email: { source: 'Email' },
    vat: { source: 'VATCode', valueMap: 'vat' },
  },
  valueMaps: { vat: { entries: { '1': 'VH', '2': 'VL' }, fallback: 'V0' } },
};

describe('diffMappings', () => {
  it('names the fields added, removed and changed, with the properties that changed', () => {
    const v2: MappingDefinition = {
      fields: {
        name: { source: 'Name', required: true },
        vat: { expr: '$string(VATCode)', valueMap: 'vat', overwrite: false },
        phone: { source: 'Phone' },
      },
      valueMaps: v1.valueMaps,
    };
    const diff = diffMappings(v1, v2);
    expect(diff.same).toBe(false);
    expect(diff.fields).toEqual({
      added: [{ field: 'phone', mapping: { source: 'Phone' } }],
      removed: [{ field: 'email', mapping: { source: 'Email' } }],
      changed: [
        {
          field: 'vat',
          before: { source: 'VATCode', valueMap: 'vat' },
          after: { expr: '$string(VATCode)', valueMap: 'vat', overwrite: false },
          properties: ['expr', 'overwrite', 'source'],
        },
      ],
    });
    expect(diff.valueMaps).toEqual({ added: [], removed: [], changed: [] });
  });

  it('names the value map entries added, removed and changed, and a changed fallback', () => {
    const v2: MappingDefinition = {
      ...v1,
      valueMaps: {
        vat: { entries: { '1': 'VH', '2': 'VL9', '5': 'VV' } },
        country: { entries: { NL: 'Nederland' } },
      },
    };
    const diff = diffMappings(v1, v2);
    expect(diff.fields).toEqual({ added: [], removed: [], changed: [] });
    expect(diff.valueMaps.added).toEqual([{ name: 'country', map: { entries: { NL: 'Nederland' } } }]);
    expect(diff.valueMaps.changed).toEqual([
      {
        name: 'vat',
        entries: {
          added: [{ key: '5', value: 'VV' }],
          removed: [],
          changed: [{ key: '2', before: 'VL', after: 'VL9' }],
        },
        fallback: { before: 'V0', after: null },
      },
    ]);
  });

  it('sees no change when only the order of fields or keys differs', () => {
    const reordered: MappingDefinition = {
      valueMaps: { vat: { fallback: 'V0', entries: { '2': 'VL', '1': 'VH' } } },
      fields: {
        vat: { valueMap: 'vat', source: 'VATCode' },
        email: { source: 'Email' },
        name: { required: true, source: 'Name' },
      },
    };
    expect(diffMappings(v1, reordered).same).toBe(true);
  });
});
