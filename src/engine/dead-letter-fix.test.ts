import { describe, expect, it } from 'vitest';
import { fixFor } from './dead-letter-fix.js';

describe('where a dead letter is fixed', () => {
  it('sends a missing value map entry to the mapping, naming the value map', () => {
    const fix = fixFor({
      code: 'mapping.value_unmapped',
      kind: 'invalid',
      details: { valueMap: 'vatCodes', key: 'VR' },
    });
    expect(fix).toMatchObject({ where: 'mapping', valueMap: 'vatCodes' });
    expect(fix.hint).toContain('“vatCodes”');
  });

  it('names the setting when a setting decides it', () => {
    expect(fixFor({ code: 'orders.unknown_article', kind: 'invalid' })).toMatchObject({
      where: 'setting',
      setting: 'articles.create',
    });
  });

  it('offers the debtors of an ambiguous match to choose from', () => {
    const fix = fixFor({
      code: 'orders.ambiguous_debtor',
      kind: 'conflict',
      details: {
        account: 'acc-2',
        accountCode: '5002',
        candidates: [{ customerNumber: '10001', name: 'Bakkerij Jansen B.V.' }, { name: 'no number' }],
      },
    });
    expect(fix).toMatchObject({
      where: 'choice',
      candidates: {
        account: 'acc-2',
        accountCode: '5002',
        debtors: [{ customerNumber: '10001', name: 'Bakkerij Jansen B.V.' }],
      },
    });
  });

  it('decides by kind where the code says nothing: a connection, a replay, a refusal in the mapping', () => {
    expect(fixFor({ code: 'exact.unauthorized', kind: 'auth' }).where).toBe('connection');
    expect(fixFor({ code: 'asperion.unavailable', kind: 'transient' }).where).toBe('replay');
    expect(fixFor({ code: 'asperion.validation', kind: 'invalid' }).where).toBe('mapping');
    expect(fixFor({ code: 'orders.bad_email', kind: 'invalid' }).where).toBe('source');
    expect(fixFor({ code: 'something.else', kind: 'internal' }).where).toBe('record');
  });
});
