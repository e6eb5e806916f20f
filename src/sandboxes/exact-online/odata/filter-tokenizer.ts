import { querySyntaxError } from '../odata-error.js';

/** Tokens of an OData v2 `$filter` expression (reference 4.4). */
export type FilterToken =
  | { kind: 'name'; text: string }
  | { kind: 'string'; value: string }
  | { kind: 'guid'; value: string }
  | { kind: 'datetime'; value: string }
  | { kind: 'number'; value: number; text: string }
  | { kind: 'open' }
  | { kind: 'close' }
  | { kind: 'comma' };

const guidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const numberPattern = /^[+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?[LlMmDdFf]?/;
const namePattern = /^[A-Za-z_][A-Za-z0-9_]*(?:\/[A-Za-z_][A-Za-z0-9_]*)*/;

/** Split a `$filter` text into tokens; any stray character is Exact's query-syntax 400. */
export function tokenizeFilter(text: string): FilterToken[] {
  const tokens: FilterToken[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i] ?? '';
    if (/\s/.test(ch)) {
      i += 1;
    } else if (ch === '(' || ch === ')' || ch === ',') {
      tokens.push({ kind: ch === '(' ? 'open' : ch === ')' ? 'close' : 'comma' });
      i += 1;
    } else if (ch === "'") {
      const [value, next] = readQuoted(text, i);
      tokens.push({ kind: 'string', value });
      i = next;
    } else if (/[0-9+-]/.test(ch)) {
      const m = numberPattern.exec(text.slice(i));
      if (!m) throw querySyntaxError();
      tokens.push({ kind: 'number', value: Number(m[0].replace(/[LlMmDdFf]$/, '')), text: m[0] });
      i += m[0].length;
    } else {
      const m = namePattern.exec(text.slice(i));
      if (!m) throw querySyntaxError();
      const word = m[0];
      i += word.length;
      // Typed literals: guid'…' and datetime'…' (reference 4.4).
      if ((word === 'guid' || word === 'datetime') && text[i] === "'") {
        const [value, next] = readQuoted(text, i);
        i = next;
        if (word === 'guid') {
          if (!guidPattern.test(value)) throw querySyntaxError();
          tokens.push({ kind: 'guid', value: value.toLowerCase() });
        } else {
          tokens.push({ kind: 'datetime', value });
        }
      } else {
        tokens.push({ kind: 'name', text: word });
      }
    }
  }
  return tokens;
}

/** A quoted literal starting at `start`; `''` inside is one quote. Returns the value and the next index. */
function readQuoted(text: string, start: number): [string, number] {
  let value = '';
  let i = start + 1;
  for (;;) {
    if (i >= text.length) throw querySyntaxError();
    const ch = text[i];
    if (ch === "'") {
      if (text[i + 1] === "'") {
        value += "'";
        i += 2;
        continue;
      }
      return [value, i + 1];
    }
    value += ch;
    i += 1;
  }
}
