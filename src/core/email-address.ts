/**
 * Whether text is a usable e-mail address, and if not, what is wrong with it in words that do not
 * repeat the address (it is personal data, and error messages end up in logs and dead letters).
 *
 * Deliberately practical rather than RFC 5322: quoted local parts and IP-literal domains are
 * refused, since no customer record has them and every mail client would choke on them anyway,
 * while what people really mistype (a space, a missing @, two dots in a row, a domain without a
 * dot) is caught. Letters outside ASCII are allowed (internationalised addresses).
 */
export function emailAddressProblem(text: string): string | null {
  if (text.trim() === '') return 'is blank';
  if (/\s/.test(text)) return 'contains a space or other whitespace';
  const at = text.split('@');
  if (at.length === 1) return 'has no @';
  if (at.length > 2) return 'has more than one @';
  const [local = '', domain = ''] = at;
  if (local === '') return 'has nothing before the @';
  if (domain === '') return 'has no domain after the @';
  if (local.includes('..') || domain.includes('..')) return 'has two dots in a row';
  if (local.startsWith('.') || local.endsWith('.'))
    return 'has a dot at the start or end of the part before the @';
  if (/[<>()[\]\\,;:"]/.test(text))
    return 'contains a character addresses cannot have (such as , ; : < > or a quote)';
  const labels = domain.split('.');
  if (labels.length < 2) return 'has a domain without a dot (such as example.nl)';
  if (labels.some((l) => l === '')) return 'has a dot at the start or end of the domain';
  if (labels.some((l) => l.startsWith('-') || l.endsWith('-')))
    return 'has a domain part that starts or ends with a hyphen';
  if (/^[0-9]*$/.test(labels[labels.length - 1]!) || labels[labels.length - 1]!.length < 2)
    return 'has a domain whose last part (such as .nl) is missing or too short';
  return null;
}

export function isEmailAddress(text: string): boolean {
  return emailAddressProblem(text) === null;
}
