import { describe, expect, it } from 'vitest';
import { splitStreet } from './split-street.js';

describe('splitStreet', () => {
  it.each([
    ['Keizersgracht 123', 'Keizersgracht', '123', ''],
    ['Keizersgracht 123A', 'Keizersgracht', '123', 'A'],
    ['Keizersgracht 123 A', 'Keizersgracht', '123', 'A'],
    ['Keizersgracht 123-2', 'Keizersgracht', '123', '2'],
    ['Keizersgracht 123 bis', 'Keizersgracht', '123', 'bis'],
    ['Keizersgracht 123bis', 'Keizersgracht', '123', 'bis'],
    ['Hoofdstraat 12a-3', 'Hoofdstraat', '12', 'a-3'],
    ['Laan van Meerdervoort 5 B', 'Laan van Meerdervoort', '5', 'B'],
    ['1e Van Swindenstraat 12 hs', '1e Van Swindenstraat', '12', 'hs'],
    ['Plein 1940-1945 12', 'Plein 1940-1945', '12', ''],
    ['Plein 1945 12', 'Plein 1945', '12', ''],
    ['Straat 7-II', 'Straat', '7', 'II'],
    ['Straat 7 III', 'Straat', '7', 'III'],
    ['Postbus 123', 'Postbus', '123', ''],
    ['Keizersgracht 123/2', 'Keizersgracht', '123', '2'],
    ['Keizersgracht 123 - 2', 'Keizersgracht', '123', '2'],
    ['Keizersgracht 123-2 hs', 'Keizersgracht', '123', '2 hs'],
  ])('splits %j into street, house number and addition', (line, street, houseNumber, addition) => {
    expect(splitStreet(line)).toEqual({ street, houseNumber, addition });
  });

  it.each([
    ['Keizersgracht 123 2hg', '2hg'],
    ['Keizersgracht 123 3 hoog', '3 hoog'],
    ['Keizersgracht 123 1e etage', '1e etage'],
    ['Keizersgracht 123, 2e etage', '2e etage'],
  ])('keeps a floor written after the house number in the addition (%j)', (line, addition) => {
    expect(splitStreet(line)).toEqual({ street: 'Keizersgracht', houseNumber: '123', addition });
  });

  it('gives an empty house number for a line without one', () => {
    expect(splitStreet('Dorpsstraat')).toEqual({ street: 'Dorpsstraat', houseNumber: '', addition: '' });
    expect(splitStreet('1e Van Swindenstraat')).toEqual({
      street: '1e Van Swindenstraat',
      houseNumber: '',
      addition: '',
    });
  });

  it('collapses surrounding and repeated white space', () => {
    expect(splitStreet('  Laan   van Meerdervoort \t 5   B ')).toEqual({
      street: 'Laan van Meerdervoort',
      houseNumber: '5',
      addition: 'B',
    });
  });

  it('gives three empty parts for an empty line', () => {
    expect(splitStreet('')).toEqual({ street: '', houseNumber: '', addition: '' });
  });

  it('reads a separate bare number after the house number as the house number (write 123-2 instead)', () => {
    expect(splitStreet('Keizersgracht 123 2')).toEqual({
      street: 'Keizersgracht 123',
      houseNumber: '2',
      addition: '',
    });
  });
});
