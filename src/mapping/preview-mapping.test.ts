import { describe, expect, it } from 'vitest';
import { previewMapping } from './preview-mapping.js';
import type { MappingDefinition } from './types.js';

const def: MappingDefinition = {
  fields: {
    name: { source: 'Name', required: true },
    vat: { source: 'VATCode', valueMap: 'vat' },
  },
  valueMaps: { vat: { entries: { '1': 'VH' } } },
};

describe('previewMapping', () => {
  it('maps every sample and reports its errors with the sample id', async () => {
    const preview = await previewMapping(
      def,
      [
        { ID: 42, Name: 'Acme', VATCode: 1 },
        { ID: 'b-7', VATCode: 3 },
      ],
      { idPath: 'ID' },
    );
    expect(preview).toEqual({
      results: [
        { index: 0, sourceId: '42', output: { name: 'Acme', vat: 'VH' }, errors: [] },
        {
          index: 1,
          sourceId: 'b-7',
          output: {},
          errors: [
            expect.objectContaining({ field: 'name', code: 'mapping.required_missing' }),
            expect.objectContaining({ field: 'vat', code: 'mapping.value_unmapped' }),
          ],
        },
      ],
      errorCount: 2,
    });
  });

  it('leaves sourceId out when there is no id path or no id', async () => {
    const preview = await previewMapping(def, [{ Name: 'A', VATCode: 1 }]);
    expect(preview.results[0]).toEqual({ index: 0, output: { name: 'A', vat: 'VH' }, errors: [] });
    const withPath = await previewMapping(def, [{ Name: 'A', VATCode: 1 }], { idPath: 'ID' });
    expect(withPath.results[0]).not.toHaveProperty('sourceId');
  });

  it('returns compile errors instead of throwing them', async () => {
    const preview = await previewMapping({ fields: { a: { expr: '1 +' }, b: { expr: ')' } } }, [{}]);
    expect(preview.results).toEqual([]);
    expect(preview.errorCount).toBe(0);
    expect(preview.compileErrors?.map((e) => [e.field, e.code])).toEqual([
      ['a', 'mapping.invalid_expression'],
      ['b', 'mapping.invalid_expression'],
    ]);
  });

  it('reports an id path that is not a path as a compile error', async () => {
    const preview = await previewMapping(def, [{}], { idPath: 'a..b' });
    expect(preview.compileErrors).toEqual([
      expect.objectContaining({ field: '(idPath)', code: 'mapping.invalid_path' }),
    ]);
  });

  it('reports a sample that is not an object', async () => {
    const preview = await previewMapping(def, [[1, 2], null, 'text']);
    expect(preview.results.map((r) => r.errors[0]?.message)).toEqual([
      'the sample is a list, not an object',
      'the sample is null, not an object',
      'the sample is string, not an object',
    ]);
    expect(preview.errorCount).toBe(3);
  });

  it('passes the limits on to the compiled mapping', async () => {
    const preview = await previewMapping(
      { fields: { loop: { expr: '($f := function($x){ $f($x) }; $f(1))' } } },
      [{}],
      { maxSteps: 10 },
    );
    expect(preview.results[0]?.errors[0]?.message).toBe(
      'expression took more than 10 evaluation steps (endless recursion or a loop too large?)',
    );
  });
});
