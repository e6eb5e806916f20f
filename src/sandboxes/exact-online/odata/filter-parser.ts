import { querySyntaxError } from '../odata-error.js';
import type { ComparisonOperator, FilterFunction, FilterNode } from './filter-ast.js';
import { comparisonOperators, filterFunctions } from './filter-ast.js';
import type { FilterToken } from './filter-tokenizer.js';
import { tokenizeFilter } from './filter-tokenizer.js';

/**
 * Recursive descent over the tokens, lowest precedence first:
 * or → and → not → comparison → primary (parentheses, function call, literal, field).
 * Every failure is Exact's one query-syntax 400 (reference 4.6).
 */
export function parseFilter(text: string): FilterNode {
  const parser = new FilterParser(tokenizeFilter(text));
  const node = parser.parseOr();
  parser.expectEnd();
  return node;
}

class FilterParser {
  private position = 0;

  constructor(private readonly tokens: FilterToken[]) {}

  parseOr(): FilterNode {
    let left = this.parseAnd();
    while (this.takeWord('or')) left = { kind: 'or', left, right: this.parseAnd() };
    return left;
  }

  expectEnd(): void {
    if (this.position !== this.tokens.length) throw querySyntaxError();
  }

  private parseAnd(): FilterNode {
    let left = this.parseNot();
    while (this.takeWord('and')) left = { kind: 'and', left, right: this.parseNot() };
    return left;
  }

  private parseNot(): FilterNode {
    if (this.takeWord('not')) return { kind: 'not', operand: this.parseNot() };
    return this.parseComparison();
  }

  private parseComparison(): FilterNode {
    const left = this.parsePrimary();
    const next = this.peek();
    if (next?.kind === 'name' && (comparisonOperators as readonly string[]).includes(next.text)) {
      this.position += 1;
      return { kind: 'compare', op: next.text as ComparisonOperator, left, right: this.parsePrimary() };
    }
    return left;
  }

  private parsePrimary(): FilterNode {
    const token = this.tokens[this.position];
    if (!token) throw querySyntaxError();
    this.position += 1;
    switch (token.kind) {
      case 'open': {
        const inner = this.parseOr();
        this.expect('close');
        return inner;
      }
      case 'string':
        return { kind: 'literal', literal: { type: 'string', value: token.value } };
      case 'guid':
        return { kind: 'literal', literal: { type: 'guid', value: token.value } };
      case 'datetime':
        return { kind: 'literal', literal: { type: 'datetime', value: token.value } };
      case 'number':
        return { kind: 'literal', literal: { type: 'number', value: token.value } };
      case 'name':
        return this.parseName(token.text);
      default:
        throw querySyntaxError();
    }
  }

  private parseName(text: string): FilterNode {
    if (text === 'true' || text === 'false') {
      return { kind: 'literal', literal: { type: 'boolean', value: text === 'true' } };
    }
    if (text === 'null') return { kind: 'literal', literal: { type: 'null' } };
    if (this.peek()?.kind !== 'open') {
      if (['and', 'or', 'not', ...comparisonOperators].includes(text)) throw querySyntaxError();
      return { kind: 'field', name: text };
    }
    if (!(filterFunctions as readonly string[]).includes(text)) throw querySyntaxError();
    this.position += 1;
    const args: FilterNode[] = [];
    if (this.peek()?.kind !== 'close') {
      args.push(this.parseOr());
      while (this.peek()?.kind === 'comma') {
        this.position += 1;
        args.push(this.parseOr());
      }
    }
    this.expect('close');
    const name = text as FilterFunction;
    const arity = name === 'substringof' || name === 'startswith' || name === 'endswith' ? 2 : 1;
    if (args.length !== arity) throw querySyntaxError();
    return { kind: 'call', name, args };
  }

  private peek(): FilterToken | undefined {
    return this.tokens[this.position];
  }

  private takeWord(word: string): boolean {
    const token = this.peek();
    if (token?.kind === 'name' && token.text === word) {
      this.position += 1;
      return true;
    }
    return false;
  }

  private expect(kind: 'close'): void {
    if (this.peek()?.kind !== kind) throw querySyntaxError();
    this.position += 1;
  }
}
