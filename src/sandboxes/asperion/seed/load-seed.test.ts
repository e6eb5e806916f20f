import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../core/clock.js';
import { toCents } from '../../../core/money.js';
import { createSandboxState } from '../state/sandbox-state.js';
import type { SandboxState } from '../state/sandbox-state.js';
import { loadSeed } from './load-seed.js';

function seeded(seed: 'demo' | 'empty'): SandboxState {
  const state = createSandboxState(new ManualClock('2026-01-15T09:00:00Z'));
  loadSeed(state, seed);
  return state;
}

const dump = (state: SandboxState) =>
  [...state.administrations.values()].map((d) =>
    ['debtors', 'articles', 'salesinvoiceswithlines', 'journalentrieswithlines'].map((r) => d.list(r)),
  );

describe('demo seed', () => {
  it('is the same on every load', () => {
    expect(dump(seeded('demo'))).toEqual(dump(seeded('demo')));
  });

  it('gives the demo user two administrations, the first with inTrade and the second without', () => {
    const state = seeded('demo');
    expect(state.users[0]?.administrationIds).toEqual([1, 2]);
    expect(state.administrations.get(1)?.administration.packages).toEqual({ inBalance: true, inTrade: true });
    expect(state.administrations.get(2)?.administration.packages.inTrade).toBe(false);
  });

  it('has a chart, journals, VAT codes, debtors, articles and history in both demo administrations', () => {
    const state = seeded('demo');
    for (const id of [1, 2]) {
      const data = state.administrations.get(id)!;
      for (const resource of [
        'ledgeraccounts',
        'journals',
        'vatcodes',
        'paymentconditions',
        'salestypes',
        'debtors',
        'articles',
      ]) {
        expect(data.list(resource).length, `${resource} in ${id}`).toBeGreaterThan(0);
      }
      const statuses = data.list('salesinvoiceswithlines').map((i) => i['status']);
      expect(new Set(statuses)).toEqual(new Set([1, 6, 7]));
    }
  });

  it('books only balanced journal entries', () => {
    for (const data of seeded('demo').administrations.values()) {
      for (const entry of data.list('journalentrieswithlines')) {
        const lines = (entry['lines'] as { _data: Array<{ amount: number }> })._data;
        expect(lines.reduce((sum, l) => sum + toCents(l.amount), 0n)).toBe(0n);
      }
    }
  });

  it('leaves the administrations without records in the empty seed', () => {
    const state = seeded('empty');
    expect(state.administrations.size).toBe(3);
    expect(state.administrations.get(1)?.list('vatcodes')).toEqual([]);
  });
});
