import { describe, expect, it } from 'vitest';
import { parseWorkspaceText } from './read-workspace.js';

describe('parseWorkspaceText', () => {
  it('reads YAML and JSON', () => {
    expect(parseWorkspaceText('version: 1\npairs: []\n')).toEqual({
      ok: true,
      document: { version: 1, pairs: [] },
    });
    expect(parseWorkspaceText('{"version": 1, "pairs": []}')).toEqual({
      ok: true,
      document: { version: 1, pairs: [] },
    });
  });

  it('reports a syntax error by line and column without quoting the line', () => {
    const result = parseWorkspaceText('version: 1\ntoken: "sk_live_pasted-secret\n');
    expect(result).toEqual({
      ok: false,
      errors: [{ path: 'line 3, column 1', reason: expect.any(String) as unknown }],
    });
    expect(JSON.stringify(result)).not.toContain('pasted-secret');
  });

  it('rejects a key given twice', () => {
    const result = parseWorkspaceText('version: 1\nversion: 1\n');
    expect(result).toEqual({
      ok: false,
      errors: [{ path: 'line 2, column 1', reason: 'Map keys must be unique' }],
    });
  });
});
