import type { Kysely } from 'kysely';
import { recordAudit } from '../access/audit.js';
import type { Principal } from '../access/principal.js';
import type { Clock } from '../core/clock.js';
import type { Database } from '../store/schema.js';
import { hasChanges, workspaceObjectTypes, type ApplySummary } from './apply-summary.js';
import { mappingPublishAction } from './mapping-versions.js';

/**
 * The audit lines of an applied workspace file: one with what changed (ids only: a summary holds
 * no credentials), and one per new mapping version, so a version's history names its author as
 * one published through the API does. A dry run or a file that changed nothing leaves no line.
 */
export async function auditWorkspaceApply(
  db: Kysely<Database>,
  clock: Clock,
  actor: Principal,
  summary: ApplySummary,
  ip?: string,
): Promise<void> {
  if (summary.dryRun || !hasChanges(summary)) return;
  const changes = Object.fromEntries(
    workspaceObjectTypes.map((type) => {
      const { created, updated, deleted } = summary.changes[type];
      return [type, { created, updated, deleted }];
    }),
  );
  await recordAudit(db, clock, {
    actor,
    action: 'workspace.apply',
    target: { kind: 'workspace', id: null },
    ip,
    details: { prune: summary.prune, changes },
  });
  for (const name of summary.changes.mappings.created) {
    // Named `<flow> v<n>` by applyFlows.
    const match = /^(.+) v(\d+)$/.exec(name);
    if (!match) continue;
    const flowId = match[1] as string;
    const flow = await db.selectFrom('flows').select('pair_id').where('id', '=', flowId).executeTakeFirst();
    await recordAudit(db, clock, {
      actor,
      action: mappingPublishAction,
      target: { kind: 'flow', id: flowId },
      pairId: flow?.pair_id ?? null,
      ip,
      details: { version: Number(match[2]), via: 'workspace' },
    });
  }
}
