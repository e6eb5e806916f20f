import type { Prng } from '../prng.js';

/** National identifiers with real check digits, so validating clients accept the demo data. */

function digits(prng: Prng, count: number): number[] {
  return Array.from({ length: count }, () => prng.int(0, 9));
}

/** EAN-13: weights 1,3,1,3… over the first twelve digits. */
export function ean13CheckDigit(twelve: string): number {
  const sum = [...twelve].reduce((acc, d, i) => acc + Number(d) * (i % 2 === 0 ? 1 : 3), 0);
  return (10 - (sum % 10)) % 10;
}

export function ean13(twelve: string): string {
  return `${twelve}${ean13CheckDigit(twelve)}`;
}

/** ISO 7064 mod 97-10 over a text of digits and letters (A = 10 … Z = 35). */
export function mod97(text: string): number {
  let rest = 0;
  for (const ch of text.toUpperCase()) {
    const value = /[A-Z]/.test(ch) ? String(ch.charCodeAt(0) - 55) : ch;
    for (const d of value) rest = (rest * 10 + Number(d)) % 97;
  }
  return rest;
}

/** An IBAN whose check digits pass mod 97 (ISO 13616). */
export function iban(country: string, bban: string): string {
  const check = 98 - mod97(`${bban}${country}00`);
  return `${country}${String(check).padStart(2, '0')}${bban}`;
}

const nlBanks = ['INGB', 'RABO', 'ABNA', 'SNSB', 'TRIO', 'ASNB', 'KNAB', 'BUNQ'];

export function demoIban(prng: Prng, country: string): string {
  switch (country) {
    case 'NL':
      return iban('NL', `${prng.pick(nlBanks)}${digits(prng, 10).join('')}`);
    case 'BE': {
      // Belgian BBAN: ten digits plus a mod-97 pair of its own.
      const ten = Number(digits(prng, 10).join(''));
      const check = ten % 97 === 0 ? 97 : ten % 97;
      return iban('BE', `${String(ten).padStart(10, '0')}${String(check).padStart(2, '0')}`);
    }
    case 'DE':
      return iban('DE', digits(prng, 18).join(''));
    default:
      return iban(
        'FR',
        `${digits(prng, 10).join('')}${digits(prng, 11).join('')}${digits(prng, 2).join('')}`,
      );
  }
}

/** NL: nine digits passing the 11-test (RSIN/OB number), then B and a two-digit sequence. */
function nlVat(prng: Prng): string {
  for (;;) {
    const d = [prng.int(1, 9), ...digits(prng, 7)];
    const check = d.reduce((acc, x, i) => acc + x * (9 - i), 0) % 11;
    if (check < 10) return `NL${d.join('')}${check}B${prng.pick(['01', '01', '01', '02'])}`;
  }
}

/** BE: 0 + seven digits + 97 − (first eight mod 97). */
function beVat(prng: Prng): string {
  const eight = `0${prng.int(2, 9)}${digits(prng, 6).join('')}`;
  const check = 97 - (Number(eight) % 97);
  return `BE${eight}${String(check).padStart(2, '0')}`;
}

/** DE: eight digits and an ISO 7064 mod 11,10 check digit. */
function deVat(prng: Prng): string {
  const d = [prng.int(1, 9), ...digits(prng, 7)];
  let product = 10;
  for (const x of d) {
    let sum = (x + product) % 10;
    if (sum === 0) sum = 10;
    product = (2 * sum) % 11;
  }
  const check = 11 - product === 10 ? 0 : 11 - product;
  return `DE${d.join('')}${check}`;
}

/** Luhn check digit over a digit string. */
function luhnDigit(body: string): number {
  let sum = 0;
  [...body].reverse().forEach((ch, i) => {
    let x = Number(ch) * (i % 2 === 0 ? 2 : 1);
    if (x > 9) x -= 9;
    sum += x;
  });
  return (10 - (sum % 10)) % 10;
}

/** FR: two-digit key (12 + 3 × (SIREN mod 97)) mod 97, then a Luhn-valid SIREN. */
function frVat(prng: Prng): string {
  const body = `${prng.int(3, 9)}${digits(prng, 7).join('')}`;
  const siren = `${body}${luhnDigit(body)}`;
  const key = (12 + 3 * (Number(siren) % 97)) % 97;
  return `FR${String(key).padStart(2, '0')}${siren}`;
}

/** GB: seven digits weighted 8…2 plus a pair so that the total is divisible by 97. */
function gbVat(prng: Prng): string {
  const d = [prng.int(1, 9), ...digits(prng, 6)];
  const sum = d.reduce((acc, x, i) => acc + x * (8 - i), 0);
  const check = (97 - (sum % 97)) % 97;
  return `GB${d.join('')}${String(check).padStart(2, '0')}`;
}

/** CH: UID CHE-xxx.xxx.xxx with a mod-11 check digit (weights 5,4,3,2,7,6,5,4). */
function chVat(prng: Prng): string {
  const weights = [5, 4, 3, 2, 7, 6, 5, 4];
  for (;;) {
    const d = [prng.int(1, 9), ...digits(prng, 7)];
    const rest = d.reduce((acc, x, i) => acc + x * (weights[i] ?? 0), 0) % 11;
    const check = rest === 0 ? 0 : 11 - rest;
    if (check === 10) continue;
    const n = `${d.join('')}${check}`;
    return `CHE-${n.slice(0, 3)}.${n.slice(3, 6)}.${n.slice(6)} MWST`;
  }
}

/** A VAT number in the country's format, or null where there is none (e.g. the US). */
export function demoVatNumber(prng: Prng, country: string): string | null {
  switch (country) {
    case 'NL':
      return nlVat(prng);
    case 'BE':
      return beVat(prng);
    case 'DE':
      return deVat(prng);
    case 'FR':
      return frVat(prng);
    case 'GB':
      return gbVat(prng);
    case 'CH':
      return chVat(prng);
    default:
      return null;
  }
}

/** A Dutch Chamber of Commerce (KvK) number: eight digits. */
export function demoKvk(prng: Prng): string {
  return `${prng.int(5, 9)}${digits(prng, 7).join('')}`;
}

/** A phone number in the country's written format; the US one uses the fictional 555-01xx range. */
export function demoPhone(prng: Prng, country: string): string {
  const n = (count: number) => digits(prng, count).join('');
  switch (country) {
    case 'NL':
      return `+31 ${prng.pick(['20', '30', '10', '38', '50', '40', '24', '71'])} ${prng.int(2, 9)}${n(6)}`;
    case 'BE':
      return `+32 ${prng.pick(['3', '9', '50', '16', '11', '2'])} ${prng.int(2, 9)}${n(2)} ${n(2)} ${n(2)}`;
    case 'DE':
      return `+49 ${prng.pick(['30', '221', '211', '251', '40', '89'])} ${prng.int(2, 9)}${n(6)}`;
    case 'FR':
      return `+33 ${prng.int(1, 5)} ${n(2)} ${n(2)} ${n(2)} ${n(2)}`;
    case 'GB':
      return `+44 20 7946 0${n(3)}`;
    case 'CH':
      return `+41 ${prng.pick(['44', '61', '31'])} ${prng.int(2, 9)}${n(2)} ${n(2)} ${n(2)}`;
    default:
      return `+1 ${prng.pick(['212', '503', '303', '312'])} 555 01${n(2)}`;
  }
}

/** A Dutch postcode: four digits (no leading zero) and two letters other than SA, SD, SS. */
export function demoNlPostcode(prng: Prng, prefix: number): string {
  const letters = 'ABCEGHJKLMNPRSTVWXZ';
  for (;;) {
    const pair = `${prng.pick([...letters])}${prng.pick([...letters])}`;
    if (!['SA', 'SD', 'SS'].includes(pair)) return `${prefix + prng.int(0, 8)} ${pair}`;
  }
}
