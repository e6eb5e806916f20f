import { randomUUID } from 'node:crypto';

/** Ids are text. Prefixed so that a bare id in a log or a URL says what it names. */
export const idPrefixes = [
  'run',
  'rec',
  'dl',
  'job',
  'wal',
  'evt',
  'map',
  'usr',
  'tok',
  'aud',
  'alr',
  'ntf',
  'rcn',
] as const;
export type IdPrefix = (typeof idPrefixes)[number];

let lastMs = -1;
let sequence = 0;

/**
 * Time-ordered ids: a sortable millisecond prefix, a counter within the millisecond, then
 * randomness. The counter keeps ids made by one process in the order they were made even when
 * many share a millisecond (an audit log or a list paged by id reads them in that order); ids of
 * different processes in the same millisecond are ordered by chance, which nothing relies on.
 */
export function newId(prefix: IdPrefix, at: Date = new Date()): string {
  const ms = at.getTime();
  if (ms === lastMs) sequence++;
  else {
    lastMs = ms;
    sequence = 0;
  }
  const time = ms.toString(36).padStart(9, '0');
  const counter = (sequence % 36 ** 3).toString(36).padStart(3, '0');
  return `${prefix}_${time}${counter}${randomUUID().replaceAll('-', '').slice(0, 11)}`;
}

/** Slugs name user-declared objects (pairs, connections, flows) in files, URLs and commands. */
export const slugPattern = /^[a-z0-9][a-z0-9-]{0,62}$/;
