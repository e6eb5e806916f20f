import { describe, expect, it } from 'vitest';
import { joinStreet } from './join-street.js';
import { splitStreet } from './split-street.js';

describe('joinStreet', () => {
  it.each([
    ['Keizersgracht', '123', '', 'Keizersgracht 123'],
    ['Keizersgracht', '123', 'A', 'Keizersgracht 123A'],
    ['Keizersgracht', '123', 'a', 'Keizersgracht 123a'],
    ['Hoofdstraat', '12', 'a-3', 'Hoofdstraat 12a-3'],
    ['Keizersgracht', '123', '2', 'Keizersgracht 123-2'],
    ['Keizersgracht', '123', '2hg', 'Keizersgracht 123-2hg'],
    ['Straat', '7', 'II', 'Straat 7-II'],
    ['Straat', '7', 'I', 'Straat 7-I'],
    ['Keizersgracht', '123', 'bis', 'Keizersgracht 123 bis'],
    ['1e Van Swindenstraat', '12', 'hs', '1e Van Swindenstraat 12 hs'],
  ])('joins %j, %j and %j as %j', (street, houseNumber, addition, line) => {
    expect(joinStreet(street, houseNumber, addition)).toBe(line);
  });

  it('gives the street alone when there is no house number', () => {
    expect(joinStreet('Dorpsstraat', '', '')).toBe('Dorpsstraat');
    expect(joinStreet('Dorpsstraat')).toBe('Dorpsstraat');
  });

  it('trims the parts', () => {
    expect(joinStreet(' Keizersgracht ', ' 123 ', ' A ')).toBe('Keizersgracht 123A');
  });

  it('gives the number alone when there is no street', () => {
    expect(joinStreet('', '12', 'B')).toBe('12B');
  });

  it.each([
    'Keizersgracht 123',
    'Keizersgracht 123A',
    'Keizersgracht 123-2',
    'Keizersgracht 123 bis',
    'Hoofdstraat 12a-3',
    '1e Van Swindenstraat 12 hs',
    'Plein 1940-1945 12',
    'Straat 7-II',
    'Postbus 123',
  ])('gives back %j after splitStreet', (line) => {
    const parts = splitStreet(line);
    expect(joinStreet(parts.street, parts.houseNumber, parts.addition)).toBe(line);
  });
});
