import { describe, expect, it } from 'vitest';
import { KoppelError } from '../../core/errors.js';
import { staleReferences } from './stale-references.js';

const refused = (fields: Record<string, string[]>, code = 'asperion.validation') =>
  new KoppelError('POST /v1/salesinvoiceswithlines answered 400', {
    code,
    kind: 'invalid',
    details: { status: 400, fields },
  });

describe('staleReferences', () => {
  it("names the debtor or the articles when Asperion refused the order's references", () => {
    expect(staleReferences(refused({ debtorCustomerNumber: ['unknown'] }))).toEqual({
      debtor: true,
      articles: false,
    });
    expect(staleReferences(refused({ 'lines[2].DebtorId': ['unknown'] }))).toEqual({
      debtor: true,
      articles: false,
    });
    expect(staleReferences(refused({ 'lines[0].ArticleId': ['inactive'] }))).toEqual({
      debtor: false,
      articles: true,
    });
  });

  it('leaves every other refusal to the order', () => {
    expect(staleReferences(refused({ 'lines[0].VatCode': ['unknown'] }))).toBeUndefined();
    expect(staleReferences(refused({ debtorCustomerNumber: ['x'] }, 'asperion.conflict'))).toBeUndefined();
    expect(staleReferences(new Error('network'))).toBeUndefined();
  });
});
