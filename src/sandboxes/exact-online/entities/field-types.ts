/** Scalar Edm types the sandbox stores (reference 4.5), without the `Edm.` prefix. */
export const scalarTypes = [
  'Guid',
  'String',
  'Int16',
  'Int32',
  'Int64',
  'Byte',
  'Boolean',
  'Double',
  'DateTime',
  'Binary',
] as const;
export type ScalarType = (typeof scalarTypes)[number];

export function isScalarType(type: string): type is ScalarType {
  return (scalarTypes as readonly string[]).includes(type);
}

export function isNumericType(type: ScalarType): boolean {
  return type === 'Int16' || type === 'Int32' || type === 'Int64' || type === 'Byte' || type === 'Double';
}

/** A stored row: Guids lowercase text, DateTimes Amsterdam wall-clock text, numbers as JSON numbers. */
export type StoredValue = string | number | boolean | null;
export type StoredRow = Record<string, StoredValue>;
