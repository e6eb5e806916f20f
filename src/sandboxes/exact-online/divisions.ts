/** One administration (division) of the sandbox's one customer. */
export interface DivisionInfo {
  code: number;
  description: string;
  country: 'NL' | 'BE';
  hid: number;
  vatNumber: string;
  chamberOfCommerce: string;
  city: string;
  postcode: string;
  addressLine1: string;
}

/**
 * The divisions every seed has: two Dutch and one Belgian (so legislation-specific behaviour can be
 * tried). The first one is the user's `CurrentDivision`.
 */
export const sandboxDivisions: readonly DivisionInfo[] = [
  {
    code: 3215711,
    description: 'Fietsenmakerij De Spaak B.V.',
    country: 'NL',
    hid: 1,
    vatNumber: 'NL859123456B01',
    chamberOfCommerce: '71234567',
    city: 'Utrecht',
    postcode: '3511 AB',
    addressLine1: 'Oudegracht 12',
  },
  {
    code: 3215712,
    description: 'De Spaak Webwinkel B.V.',
    country: 'NL',
    hid: 2,
    vatNumber: 'NL859123457B01',
    chamberOfCommerce: '71234568',
    city: 'Amersfoort',
    postcode: '3811 BC',
    addressLine1: 'Langestraat 40',
  },
  {
    code: 3215713,
    description: 'De Spaak België BV',
    country: 'BE',
    hid: 3,
    vatNumber: 'BE0712345678',
    chamberOfCommerce: '0712345678',
    city: 'Antwerpen',
    postcode: '2000',
    addressLine1: 'Meir 77',
  },
];
