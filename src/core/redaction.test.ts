import { describe, expect, it } from 'vitest';
import { toJsonText } from './json.js';
import {
  expandRedaction,
  maskPersonalText,
  redact,
  redactedJsonText,
  redactedValues,
  redactionSet,
} from './redaction.js';

/** A value nested `levels` objects deep. */
function nested(levels: number, leaf: unknown): unknown {
  let value = leaf;
  for (let i = 0; i < levels; i++) value = { next: value };
  return value;
}

class WithToJson {
  constructor(readonly cents: bigint) {}
  toJSON(): string {
    return `EUR ${this.cents}`;
  }
}

describe('redactedJsonText', () => {
  const fields = redactionSet(['IBAN', 'phone']);
  const cyclic: Record<string, unknown> = { name: 'loop' };
  cyclic['self'] = cyclic;
  const cases: Array<[string, unknown]> = [
    ['a plain record', { id: 'R1', name: 'Jansen', address: { city: 'Utrecht' }, tags: ['a', 1, null] }],
    ['a secret key at depth', { contact: { access_token: 'tok-123456789', name: 'x' } }],
    ['a redaction field in another case', { bank: [{ iban: 'NL91ABNA0417164300' }] }],
    ['a secret key without a value', { password: null, token: undefined, name: 'n' }],
    ['dates, bigints and undefined', { at: new Date(0), cents: 1234n, gone: undefined, list: [undefined] }],
    ['an object with its own toJSON', { price: new WithToJson(995n) }],
    ['a buffer', { file: Buffer.from('hi') }],
    ['a value deeper than redaction goes', nested(40, 'deep')],
    ['a value just within that depth', nested(32, 'deep')],
    ['a cycle', cyclic],
    [
      'a masked key beside a nested object',
      { token: 'tok-1', address: { city: 'Breda' }, lines: [{ n: 1 }] },
    ],
    ['a masked key deep inside an array', [[{ Password: 'A' }, { b: 2 }], { c: [1, 2] }]],
    ['an OAuth answer deep inside an array', [{ q: { code: 'auth-code-1', state: 's' } }, { code: 'SKU-1' }]],
    // eslint-disable-next-line no-sparse-arrays -- a hole is what this case is about
    ['a sparse array', [1, , 3]],
    ['a bare string', 'text'],
    ['null', null],
  ];
  it.each(cases)('writes what redact then toJsonText write, for %s', (_name, value) => {
    expect(redactedJsonText(value, fields)).toBe(toJsonText(redact(value, fields)));
  });

  it('masks the secret keys and the redaction fields', () => {
    const text = redactedJsonText({ Phone: '+31 6 1234 5678', client_secret: 's3cret-value', ok: 1 }, fields);
    expect(JSON.parse(text)).toEqual({ Phone: '[redacted]', client_secret: '[redacted]', ok: 1 });
  });

  it('keeps article, account and error codes, and masks the code of an OAuth answer', () => {
    const value = {
      article: { code: 'SKU-1', Code: 'ACC-7' },
      error: { code: 'webhook.stale', kind: 'invalid' },
      callback: { code: 'one-time-authorization-code', state: 'xyz' },
      authorization_code: 'another',
    };
    expect(JSON.parse(redactedJsonText(value, fields))).toEqual({
      article: { code: 'SKU-1', Code: 'ACC-7' },
      error: { code: 'webhook.stale', kind: 'invalid' },
      callback: { code: '[redacted]', state: 'xyz' },
      authorization_code: '[redacted]',
    });
  });
});

describe('expandRedaction', () => {
  const exact = { email: ['Email', 'BusinessEmail'], iban: ['BankAccountIBAN'] };
  const asperion = { email: ['emailAddress'] };

  it('masks every app’s name for a canonical name, at any depth and in any case', () => {
    const fields = expandRedaction(['EMAIL'], [exact, asperion]);
    const value = {
      emailAddress: 'a@b.nl',
      account: { Email: 'c@d.nl', contact: [{ businessemail: 'e@f.nl' }] },
      customer: { email: 'g@h.nl' },
      BankAccountIBAN: 'NL91ABNA0417164300',
      name: 'kept',
    };
    expect(redact(value, fields)).toEqual({
      emailAddress: '[redacted]',
      account: { Email: '[redacted]', contact: [{ businessemail: '[redacted]' }] },
      customer: { email: '[redacted]' },
      BankAccountIBAN: 'NL91ABNA0417164300',
      name: 'kept',
    });
  });

  it('takes any other name as the one field it names', () => {
    expect([...expandRedaction(['Remarks'], [exact])]).toEqual(['remarks']);
  });
});

describe('maskPersonalText', () => {
  it('masks e-mail addresses and IBANs, written together or in groups, and nothing else', () => {
    const text =
      'Asperion debtor 1001 (Jansen BV, id 17): Jan.Jansen+x@Mail.Example.NL is not a valid e-mail address.; ' +
      'NL91 ABNA 0417 1643 00 and NL91ABNA0417164300 are one account; VAT NL123456789B01, order SO-2024-0001';
    expect(maskPersonalText(text)).toBe(
      'Asperion debtor 1001 (Jansen BV, id 17): [e-mail] is not a valid e-mail address.; ' +
        '[iban] and [iban] are one account; VAT NL123456789B01, order SO-2024-0001',
    );
  });
});

describe('redactedValues', () => {
  it('collects the texts under masked keys, for a label or search text to leave out', () => {
    const values = redactedValues(
      { emailAddress: ' A@B.nl ', lines: [{ iban: 'NL91' }], name: 'x' },
      redactionSet(['emailaddress', 'iban']),
    );
    expect([...values].sort()).toEqual(['a@b.nl', 'nl91']);
  });
});
