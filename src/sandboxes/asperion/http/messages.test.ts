import { describe, expect, it } from 'vitest';
import { msg, pickLanguage, render } from './messages.js';

describe('messages by Accept-Language', () => {
  it('picks the highest-ranked language the sandbox speaks, else the fallback', () => {
    expect(pickLanguage('en-US', 'nl')).toBe('en');
    expect(pickLanguage('nl-NL,en;q=0.8', 'en')).toBe('nl');
    expect(pickLanguage('de-DE, en;q=0.3, nl;q=0.6', 'en')).toBe('nl');
    expect(pickLanguage('fr', 'nl')).toBe('nl');
    expect(pickLanguage(undefined, 'nl')).toBe('nl');
    expect(pickLanguage('en;q=0', 'nl')).toBe('nl');
  });

  it('fills placeholders in either language', () => {
    const m = msg('duplicate', { field: 'Code', value: 'BR-001' });
    expect(render(m, 'nl')).toBe('Code BR-001 is al in gebruik.');
    expect(render(m, 'en')).toBe('Code BR-001 is already in use.');
  });
});
