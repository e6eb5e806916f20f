import { randomUUID } from 'node:crypto';

/** Ids are text. Prefixed so that a bare id in a log or a URL says what it names. */
export const idPrefixes = ['run', 'rec', 'dl', 'job', 'wal', 'evt', 'map', 'usr', 'tok', 'aud'] as const;
export type IdPrefix = (typeof idPrefixes)[number];

/** Time-ordered ids: a sortable millisecond prefix, then randomness. */
export function newId(prefix: IdPrefix, at: Date = new Date()): string {
  const time = at.getTime().toString(36).padStart(9, '0');
  return `${prefix}_${time}${randomUUID().replaceAll('-', '').slice(0, 14)}`;
}

/** Slugs name user-declared objects (pairs, connections, flows) in files, URLs and commands. */
export const slugPattern = /^[a-z0-9][a-z0-9-]{0,62}$/;
