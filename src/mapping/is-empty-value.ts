/** "Gives nothing": undefined, null and '' all make a field fall back to its default. */
export function isEmptyValue(value: unknown): value is undefined | null | '' {
  return value === undefined || value === null || value === '';
}

/**
 * Empty, or text of only whitespace: a name of three spaces is no name. This is what `required`
 * refuses and what a default replaces, in every flow's mapping.
 */
export function isBlankValue(value: unknown): boolean {
  return isEmptyValue(value) || (typeof value === 'string' && value.trim() === '');
}
