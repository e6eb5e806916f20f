/** IBAN lengths per country for the countries Dutch customers mostly have; others get 15–34. */
const lengths: Record<string, number> = {
  NL: 18,
  BE: 16,
  DE: 22,
  FR: 27,
  LU: 20,
  GB: 22,
  ES: 24,
  IT: 27,
  AT: 20,
  DK: 18,
  IE: 22,
  PL: 28,
  CH: 21,
};

/** Spaces are allowed on input and dropped; letters are upper-cased. */
export function normaliseIban(text: string): string {
  return text.replace(/\s+/g, '').toUpperCase();
}

/**
 * ISO 13616: move the first four characters to the end, turn letters into 10–35, and the number must
 * leave 1 after division by 97. Done piecewise so no big integers are needed.
 */
export function isValidIban(text: string): boolean {
  const iban = normaliseIban(text);
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) return false;
  const expected = lengths[iban.slice(0, 2)];
  if (expected !== undefined && iban.length !== expected) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const digits = /\d/.test(ch) ? ch : String(ch.charCodeAt(0) - 55);
    for (const d of digits) remainder = (remainder * 10 + Number(d)) % 97;
  }
  return remainder === 1;
}

/** Builds a valid IBAN from a country and a BBAN by computing the two check digits (for seeds and tests). */
export function ibanWithCheckDigits(country: string, bban: string): string {
  const numeric = [...`${bban}${country}00`.toUpperCase()]
    .map((ch) => (/\d/.test(ch) ? ch : String(ch.charCodeAt(0) - 55)))
    .join('');
  let remainder = 0;
  for (const d of numeric) remainder = (remainder * 10 + Number(d)) % 97;
  return `${country}${String(98 - remainder).padStart(2, '0')}${bban}`;
}
