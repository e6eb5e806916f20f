import { KoppelError } from '../../core/errors.js';

/**
 * The reference Koppel writes into the description of every invoice, order and journal entry it
 * creates in Asperion: `[koppel:<source-id>]`. Asperion has no idempotency key and no field of ours
 * (reference 1.8, 7), so this is how a record is found again before anything is re-posted. Source
 * ids may hold anything but brackets and line breaks; the closing bracket keeps `[koppel:12]` apart
 * from `[koppel:123]`.
 */
const pattern = /\[koppel:([^[\]\r\n]+)\]/;

export function koppelReference(sourceId: string): string {
  if (sourceId === '' || /[[\]\r\n]/.test(sourceId)) {
    throw new KoppelError(
      `A Koppel reference cannot hold brackets or line breaks: "${sourceId.slice(0, 40)}"`,
      {
        code: 'asperion.bad_reference',
        kind: 'invalid',
      },
    );
  }
  return `[koppel:${sourceId}]`;
}

/** The description with our reference at its end (replacing one already there). */
export function withKoppelReference(description: string | undefined | null, sourceId: string): string {
  const text = (description ?? '').replace(pattern, '').trim();
  return text ? `${text} ${koppelReference(sourceId)}` : koppelReference(sourceId);
}

/** The source id in a description, or null when Koppel did not write it. */
export function readKoppelReference(description: string | null | undefined): string | null {
  return (description && pattern.exec(description)?.[1]) || null;
}
