import type { OrdersSettings, vatOverrides } from './settings.js';

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

/** How a destination reads in an order's activity. */
export const destinationLabels: Record<Destination, string> = {
  domestic: 'a domestic customer',
  euB2b: 'an EU business with a VAT number',
  euB2c: 'an EU consumer',
  export: 'a customer outside the EU',
};

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

export type VatOverride = (typeof vatOverrides)[number];

/** A line's VAT code, and the destination's code when that was set aside to keep Exact's rate. */
export interface VatChoice {
  code: string | undefined;
  setAside?: string;
}

/**
 * Whether the destination's code (`rule`, from `vatCodeFor`) replaces the one Exact put on the line
 * (`exact`, already through the `vatCodes` value map); see `vatByCountry.override`. `percentage`
 * gives a code's rate in Asperion (undefined when it has no such code).
 */
export function chooseVatCode(
  exact: string | undefined,
  rule: string | undefined,
  override: VatOverride,
  percentage: (code: string) => number | undefined,
): VatChoice {
  if (exact === undefined) return { code: rule };
  if (rule === undefined || rule === exact || override === 'never') return { code: exact };
  if (override === 'always') return { code: rule };
  const [charged, destined] = [percentage(exact), percentage(rule)];
  if (charged !== undefined && destined !== undefined && charged !== destined)
    return { code: exact, setAside: rule };
  return { code: rule };
}

/** A value from a value map: its entry, else its fallback; undefined when neither. */
export function fromValueMap<T>(
  map: { entries: Record<string, T>; fallback: T | null },
  key: string | undefined,
): T | undefined {
  if (key !== undefined && Object.hasOwn(map.entries, key)) return map.entries[key];
  return map.fallback ?? undefined;
}
