/** "Gives nothing": undefined, null and '' all make a field fall back to its default. */
export function isEmptyValue(value: unknown): value is undefined | null | '' {
  return value === undefined || value === null || value === '';
}
