import { describe, expect, it } from 'vitest';
import { withoutPaths } from './projection.js';

describe('withoutPaths', () => {
  it('removes top-level and nested fields without touching the original', () => {
    const payload = {
      name: 'A',
      description: 'keep me out',
      address: { street: 'Dam', city: 'Amsterdam' },
      lines: [1],
    };
    const out = withoutPaths(payload, new Set(['description', 'address.city', 'missing.deep']));
    expect(out).toEqual({ name: 'A', address: { street: 'Dam' }, lines: [1] });
    expect(payload).toEqual({
      name: 'A',
      description: 'keep me out',
      address: { street: 'Dam', city: 'Amsterdam' },
      lines: [1],
    });
  });

  it('leaves a top-level field alone when a nested path through an absent object has its name', () => {
    const person = { Name: 'Piet', Email: 'piet@example.nl' };
    expect(withoutPaths(person, new Set(['contact.Email', 'Name.first']))).toEqual(person);
  });

  it('returns the payload itself when nothing is excluded', () => {
    const payload = { a: 1 };
    expect(withoutPaths(payload, new Set())).toBe(payload);
  });
});
