import type { OrdersSettings } from './settings.js';

/** EU member states (ISO 3166 alpha-2; Greece as GR, as Exact and Asperion write it). */
const euCountries = new Set(
  'AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK'.split(' '),
);

/** Whether a country (ISO 3166 alpha-2) is an EU member state. */
export function isEuCountry(country: string | undefined): boolean {
  return country !== undefined && euCountries.has(country.toUpperCase());
}

export const destinations = ['domestic', 'euB2b', 'euB2c', 'export'] as const;
export type Destination = (typeof destinations)[number];

/** Where the goods go, for VAT: home country, EU business (with a VAT number), EU consumer, or outside the EU. */
export function destinationOf(
  country: string | undefined,
  vatNumber: string | undefined,
  home: string,
): Destination {
  const c = (country ?? home).toUpperCase();
  if (c === home) return 'domestic';
  if (!euCountries.has(c)) return 'export';
  return vatNumber ? 'euB2b' : 'euB2c';
}

/** The VAT code of a line for its destination; domestic lines keep the mapped code. */
export function vatCodeFor(
  domestic: string | undefined,
  destination: Destination,
  country: string | undefined,
  rules: OrdersSettings['vatByCountry'],
): string | undefined {
  if (destination === 'euB2b') return rules.euB2b;
  if (destination === 'export') return rules.export;
  if (destination === 'euB2c' && country !== undefined)
    return rules.euB2c.entries[country] ?? rules.euB2c.fallback ?? domestic;
  return domestic;
}

/** A value from a value map: its entry, else its fallback; undefined when neither. */
export function fromValueMap<T>(
  map: { entries: Record<string, T>; fallback: T | null },
  key: string | undefined,
): T | undefined {
  if (key !== undefined && Object.hasOwn(map.entries, key)) return map.entries[key];
  return map.fallback ?? undefined;
}
