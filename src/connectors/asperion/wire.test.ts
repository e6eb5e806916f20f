import { describe, expect, it } from 'vitest';
import { koppelReference, readKoppelReference, withKoppelReference } from './koppel-reference.js';
import { assertBalanced } from './journal-balance.js';
import { parseExactJson, readMoney, toWire } from './wire.js';

describe('exact JSON for Asperion amounts', () => {
  it('reads amounts from the digits the server wrote, not from a float', () => {
    const text =
      '{"amount": 0.30000000000000004, "vatAmount": 1234567890123456.78, "percentage": 21.5, "id": 7, "description": "1.5 \\" 2.25", "lines": {"_data": [{"amount": -0.1e1}]}}';
    const parsed = parseExactJson(text, new Set(['amount', 'vatAmount'])) as Record<string, unknown>;
    expect(parsed['amount']).toBe('0.30000000000000004');
    expect(parsed['vatAmount']).toBe('1234567890123456.78');
    expect(readMoney(parsed['vatAmount'])).toBe(123456789012345678n);
    expect(parsed['percentage']).toBe(21.5);
    expect(parsed['id']).toBe(7);
    expect(parsed['description']).toBe('1.5 " 2.25');
    const line = (parsed['lines'] as { _data: Array<{ amount: unknown }> })._data[0]!;
    expect(line.amount).toBe('-0.1e1');
    expect(readMoney(line.amount)).toBe(-100n);
    expect(readMoney('1.2345e2')).toBe(12345n);
    expect(readMoney('5e-3')).toBe(1n);
  });

  it('writes cents as JSON numbers with at most two decimals, wraps lines and checks dates', () => {
    const body = toWire(
      { date: '2026-03-01', lines: [{ amount: 1999n }, { amount: -5n }, { amount: 100n }] },
      new Set(['date']),
    );
    expect(JSON.stringify(body)).toBe(
      '{"date":"2026-03-01","lines":{"_data":[{"amount":19.99},{"amount":-0.05},{"amount":1}]}}',
    );
    expect(() => toWire({ date: '1-3-2026' }, new Set(['date']))).toThrow(/not a date/);
  });
});

describe('the Koppel reference in descriptions', () => {
  it('is written once at the end and read back exactly', () => {
    expect(koppelReference('shop-1001')).toBe('[koppel:shop-1001]');
    const once = withKoppelReference('Order 1001', 'shop-1001');
    expect(withKoppelReference(once, 'shop-1002')).toBe('Order 1001 [koppel:shop-1002]');
    expect(readKoppelReference(once)).toBe('shop-1001');
    expect(readKoppelReference('Order 1001')).toBeNull();
    expect(() => koppelReference('a]b')).toThrow(/brackets/);
  });
});

describe('the journal-entry balance check', () => {
  it('names the difference and its side', () => {
    const entry = (amounts: bigint[]) => ({
      journalId: '90',
      date: '2026-01-01',
      lines: amounts.map((amount) => ({ amount, ledgerAccountId: 4000 })),
    });
    expect(() => assertBalanced(entry([500n, -250n, -250n]))).not.toThrow();
    expect(() => assertBalanced(entry([500n, -600n]))).toThrow('€ 1.00 more credit than debit');
  });
});
