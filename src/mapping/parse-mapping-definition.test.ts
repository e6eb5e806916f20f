import { describe, expect, it } from 'vitest';
import { parseMappingDefinition } from './parse-mapping-definition.js';

describe('parseMappingDefinition', () => {
  it('accepts a valid definition', () => {
    const def = {
      fields: { name: { source: 'Name', required: true } },
      valueMaps: { vat: { entries: { '1': 'VH' } } },
    };
    expect(parseMappingDefinition(def)).toEqual(def);
  });

  it('names every problem with its path', () => {
    expect(() =>
      parseMappingDefinition({
        fields: { 'address.street': { source: 'S', valueMap: 'nope' }, name: { sourse: 'Name' } },
        extra: true,
      }),
    ).toThrow(
      expect.objectContaining({
        code: 'mapping.invalid_definition',
        kind: 'invalid',
        message: expect.stringMatching(
          /fields\["address\.street"\]\.valueMap: value map "nope" is not defined/,
        ),
      }),
    );
  });

  it('says which field has an unknown key', () => {
    expect(() => parseMappingDefinition({ fields: { name: { sourse: 'Name' } } })).toThrow(/fields\.name/);
  });
});
