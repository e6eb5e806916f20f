import { describe, expect, it } from 'vitest';
import { emailAddressProblem, isEmailAddress } from './email-address.js';

describe('emailAddressProblem', () => {
  it('accepts ordinary and internationalised addresses', () => {
    for (const ok of [
      'info@example.nl',
      'Verkoop@Bakkerij-Jansen.nl',
      'jan.de.vries+webshop@mail.example.co.uk',
      "o'brien@example.ie",
      'zoë@café.fr',
    ])
      expect(emailAddressProblem(ok), ok).toBeNull();
  });

  it('says what is wrong without repeating the address', () => {
    const cases: Array<[string, string]> = [
      ['a@b..nl', 'has two dots in a row'],
      ['jan..devries@example.nl', 'has two dots in a row'],
      ['mail at example.nl', 'contains a space or other whitespace'],
      ['info@example .nl', 'contains a space or other whitespace'],
      ['info.example.nl', 'has no @'],
      ['a@b@example.nl', 'has more than one @'],
      ['@example.nl', 'has nothing before the @'],
      ['info@', 'has no domain after the @'],
      ['info@localhost', 'has a domain without a dot (such as example.nl)'],
      ['info@.example.nl', 'has a dot at the start or end of the domain'],
      ['info@example.nl.', 'has a dot at the start or end of the domain'],
      ['.info@example.nl', 'has a dot at the start or end of the part before the @'],
      ['info@-example.nl', 'has a domain part that starts or ends with a hyphen'],
      ['info@example.n', 'has a domain whose last part (such as .nl) is missing or too short'],
      ['info,sales@example.nl', 'contains a character addresses cannot have (such as , ; : < > or a quote)'],
      ['   ', 'is blank'],
    ];
    for (const [text, problem] of cases) {
      expect(emailAddressProblem(text), text).toBe(problem);
      expect(problem).not.toContain(text.trim() || '\u0000');
      expect(isEmailAddress(text)).toBe(false);
    }
  });
});
