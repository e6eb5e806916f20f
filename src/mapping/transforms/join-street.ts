const romanNumeral = /^(?=[IVX])X{0,3}(?:IX|IV|V?I{0,3})$/;

/**
 * Join street, house number and addition into one address line; the inverse of `splitStreet`.
 *
 * The rule for the addition: a single letter (optionally followed by '-' or '/' and more) is glued
 * to the number ("123A", "12a-3"); an addition that starts with a digit or is an upper-case Roman
 * numeral gets a hyphen ("123-2", "7-II"); any other word gets a space ("123 bis", "12 hs").
 * Without a house number the parts are joined with spaces.
 */
export function joinStreet(street: string, houseNumber = '', addition = ''): string {
  const s = street.trim();
  const n = houseNumber.trim();
  const a = addition.trim();
  if (n === '') return [s, a].filter((p) => p !== '').join(' ');
  const number = `${n}${joinAddition(a)}`;
  return s === '' ? number : `${s} ${number}`;
}

function joinAddition(addition: string): string {
  if (addition === '') return '';
  if (/^\d/.test(addition) || romanNumeral.test(addition)) return `-${addition}`;
  if (/^[a-z](?:[-/].*)?$/i.test(addition)) return addition;
  return ` ${addition}`;
}
