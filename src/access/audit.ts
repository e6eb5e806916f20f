import type { Kysely } from 'kysely';
import type { Clock } from '../core/clock.js';
import { newId } from '../core/ids.js';
import { insertAudit } from '../store/repos/audit-log.js';
import type { Database } from '../store/schema.js';
import type { Principal } from './principal.js';

export interface AuditEntry {
  actor: Principal;
  /** `area.verb`: `connection.authorize`, `flow.update`, `mapping.publish`, `user.add`, … */
  action: string;
  target: { kind: string; id: string | null };
  pairId?: string | null | undefined;
  /** The client's address, for changes made over HTTP. */
  ip?: string | null | undefined;
  /** What changed: names and values that are not secrets (never credentials or tokens). */
  details?: Record<string, unknown> | undefined;
}

/** One line in the audit log: who changed what, when and from where. */
export async function recordAudit(db: Kysely<Database>, clock: Clock, entry: AuditEntry): Promise<void> {
  const at = clock.now();
  await insertAudit(db, {
    id: newId('aud', at),
    at: at.toISOString(),
    actor_kind: entry.actor.kind,
    actor_id: entry.actor.id,
    actor_name: entry.actor.name,
    action: entry.action,
    target_kind: entry.target.kind,
    target_id: entry.target.id,
    pair_id: entry.pairId ?? null,
    ip: entry.ip ?? null,
    details: JSON.stringify(entry.details ?? {}),
  });
}
