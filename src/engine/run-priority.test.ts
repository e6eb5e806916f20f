import { describe, expect, it } from 'vitest';
import { runPriority } from './run-priority.js';

describe('runPriority', () => {
  const base = { kind: {}, settings: {}, trigger: 'schedule', cursor: 'c1' };

  it('makes a run from an empty cursor a backfill, even for a live kind', () => {
    expect(runPriority({ ...base, kind: { apiPriority: 'live' }, cursor: null })).toBe('backfill');
  });

  it('makes a run asked to backfill a backfill, whatever its cursor', () => {
    expect(runPriority({ ...base, trigger: 'webhook', backfill: true })).toBe('backfill');
  });

  it('takes the flow setting over the kind, and ignores a setting that is no priority', () => {
    expect(runPriority({ ...base, kind: { apiPriority: 'live' }, settings: { apiPriority: 'normal' } })).toBe(
      'normal',
    );
    expect(runPriority({ ...base, kind: { apiPriority: 'live' }, settings: { apiPriority: 'urgent' } })).toBe(
      'live',
    );
  });

  it('makes webhook-triggered runs live and others follow the kind, normal by default', () => {
    expect(runPriority({ ...base, trigger: 'webhook' })).toBe('live');
    expect(runPriority({ ...base, kind: { apiPriority: 'live' } })).toBe('live');
    expect(runPriority(base)).toBe('normal');
  });
});
