/**
 * Values in a mapping are JSON (a target value may be a number, text, true/false or null). The
 * editor shows them as text and reads them back in the type of the value they replace, so that
 * editing a number keeps a number and editing the text "70" keeps text.
 */
export function valueText(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function readValue(text: string, like: unknown): unknown {
  const trimmed = text.trim();
  if (typeof like === 'number' && trimmed !== '' && Number.isFinite(Number(trimmed))) return Number(trimmed);
  if (typeof like === 'boolean' && (trimmed === 'true' || trimmed === 'false')) return trimmed === 'true';
  if (typeof like === 'object' && like !== null) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

/** The type new rows of a value map take: that of the map's first value. */
export function sampleValue(values: unknown[]): unknown {
  return values.find((v) => v !== null && v !== undefined);
}

/** Lines a text takes at `width` characters a line: enough rows to read an expression whole. */
export function lineCount(text: string, width: number): number {
  return text.split('\n').reduce((n, line) => n + Math.max(1, Math.ceil(line.length / width)), 0);
}
