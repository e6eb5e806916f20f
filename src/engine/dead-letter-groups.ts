import type { EngineDeps } from './deps.js';
import { listDeadLetterViews, type DeadLetterView } from './dead-letter-view.js';

/** Open dead letters of one flow with one error code: what a person fixes and replays at once. */
export interface DeadLetterGroup {
  pairId: string;
  flowId: string;
  code: string;
  count: number;
  oldestAt: string;
  newestAt: string;
  /** The newest of them: its sentence and its fix speak for the group. */
  newest: DeadLetterView;
}

/** The open dead letters by flow and error code, most first; `pairIds` limits them to a caller's pairs. */
export async function deadLetterGroups(
  deps: Pick<EngineDeps, 'store'>,
  pairIds?: readonly string[],
): Promise<DeadLetterGroup[]> {
  let q = deps.store.db
    .selectFrom('dead_letters')
    .select((eb) => [
      'pair_id',
      'flow_id',
      'error_code',
      eb.fn.countAll<number | string>().as('n'),
      eb.fn.min('created_at').as('oldest_at'),
      eb.fn.max('created_at').as('newest_at'),
      eb.fn.max('id').as('newest_id'),
    ])
    .where('state', '=', 'open')
    .groupBy(['pair_id', 'flow_id', 'error_code']);
  if (pairIds) q = q.where('pair_id', 'in', pairIds.length > 0 ? [...pairIds] : ['']);
  const rows = await q.execute();
  const views = new Map(
    (await listDeadLetterViews(deps, { ids: rows.map((r) => r.newest_id) })).map((v) => [v.id, v]),
  );
  return rows
    .flatMap((r) => {
      const newest = views.get(r.newest_id);
      return newest
        ? [
            {
              pairId: r.pair_id,
              flowId: r.flow_id,
              code: r.error_code,
              count: Number(r.n),
              oldestAt: r.oldest_at,
              newestAt: r.newest_at,
              newest,
            },
          ]
        : [];
    })
    .sort((a, b) => b.count - a.count || a.flowId.localeCompare(b.flowId) || a.code.localeCompare(b.code));
}
