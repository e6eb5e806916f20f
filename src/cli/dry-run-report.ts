import { dryRunReport, type DryRunResult } from '../engine/dry-run-flow.js';
import { formatTable } from './table.js';

/** The dry run as a terminal report: one row per record, the changes of updates, a summary. */
export function formatDryRun(result: DryRunResult, scrub: (text: string) => string): string {
  const parts: string[] = [];
  const from = result.cursor === null ? 'the beginning' : `cursor ${result.cursor}`;
  parts.push(`Dry run of ${result.flowId} from ${from}: nothing is written to the target or the store.\n`);
  if (result.records.length > 0) {
    parts.push(
      formatTable(
        ['source id', 'decision', 'target', 'reason', 'changed fields'],
        result.records.map((r) => [
          r.sourceId,
          r.decision,
          r.targetId,
          scrub(r.reason),
          r.changes.map((c) => c.path).join(', '),
        ]),
      ),
    );
  }
  const updates = result.records.filter((r) => r.decision === 'update' && r.changes.length > 0);
  if (updates.length > 0) {
    parts.push('\nChanges against the current target records:\n');
    for (const r of updates) {
      parts.push(`${r.sourceId} → ${r.targetId ?? '(created earlier in this run)'}\n`);
      for (const c of r.changes)
        parts.push(`  ${c.path}: ${scrub(JSON.stringify(c.before))} → ${scrub(JSON.stringify(c.after))}\n`);
    }
  }
  const c = result.counts;
  const calls =
    Object.entries(result.apiCalls)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ') || 'none';
  parts.push(
    `\nWould read ${c.read}: create ${c.create}, update ${c.update}, unchanged ${c.unchanged}, ` +
      `skip ${c.skip}, fail ${c.fail}. API calls (reads only): ${calls}.\n`,
  );
  if (result.truncated) parts.push('Stopped early at --max-records; a real run reads on.\n');
  if (result.stoppedBy)
    parts.push(`A real run would stop here: ${result.stoppedBy.code}: ${scrub(result.stoppedBy.message)}\n`);
  return parts.join('');
}

/** The same report for scripts. */
export function dryRunJson(result: DryRunResult, scrub: (text: string) => string): string {
  return scrub(JSON.stringify(dryRunReport(result), null, 2)) + '\n';
}
