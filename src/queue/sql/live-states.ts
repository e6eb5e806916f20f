import { sql } from 'kysely';

/**
 * The predicate of the partial unique index `jobs_dedupe_live` (migration 0003), as literal SQL:
 * Postgres only infers a partial index as an ON CONFLICT target when the predicate holds constants,
 * not bound parameters.
 */
export const isLive = sql<boolean>`state in ('queued', 'running')`;
