import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultSettings, mergeSettings } from './settings.js';

/** Setting name → default as JSON, one level of nesting flattened (rateLimit.enabled). */
function flatDefaults(): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(defaultSettings())) {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      for (const [inner, v] of Object.entries(value)) out.set(`${key}.${inner}`, JSON.stringify(v));
    } else out.set(key, JSON.stringify(value));
  }
  return out;
}

describe('sandbox settings', () => {
  it('are documented in the README, one row per setting with the same default', () => {
    const readme = readFileSync(path.join(import.meta.dirname, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Settings'));
    const rows = new Map<string, string>();
    for (const line of section.split('\n')) {
      const cells = /^\|\s*`([\w.]+)`\s*\|\s*`(.+?)`\s*\|/.exec(line);
      if (cells?.[1] && cells[2]) rows.set(cells[1], cells[2]);
    }
    expect(rows).toEqual(flatDefaults());
  });

  it('merge nested objects one level deep and refuse unknown keys', () => {
    const merged = mergeSettings(defaultSettings(), { rateLimit: { enabled: true } });
    expect(merged.rateLimit).toEqual({ enabled: true, requests: 60, windowSeconds: 60 });
    expect(() => mergeSettings(defaultSettings(), { colour: 'blue' })).toThrow();
    expect(() => mergeSettings(defaultSettings(), { validationStatus: 418 })).toThrow();
  });
});
