import { KoppelError } from '../../core/errors.js';
import { getRecord, listRecords } from '../../store/repos/records.js';
import type { CliCommand } from '../main.js';
import { formatTable } from '../table.js';

export const recordsCommand: CliCommand = {
  register(program, ctx) {
    program
      .command('records <flow>')
      .description("List a flow's records, newest first; --failed shows the ones that need attention.")
      .option('--failed', 'only failed and dead-lettered records (with their dead letter ids)')
      .option('--source-id <id>', 'only this source record')
      .option('--limit <n>', 'how many', '50')
      .option('--json', 'print JSON')
      .action(
        async (flow: string, o: { failed?: boolean; sourceId?: string; limit: string; json?: boolean }) => {
          const app = await ctx.app();
          const rows = await listRecords(app.store.db, {
            flowId: flow,
            sourceId: o.sourceId,
            states: o.failed ? ['failed', 'dead_lettered'] : undefined,
            limit: Number(o.limit),
          });
          const dls = rows.length
            ? await app.store.db
                .selectFrom('dead_letters')
                .select(['id', 'record_id', 'state'])
                .where(
                  'record_id',
                  'in',
                  rows.map((r) => r.id),
                )
                .execute()
            : [];
          const dlOf = new Map(dls.map((d) => [d.record_id, d]));
          if (o.json) {
            return void ctx.out.write(
              JSON.stringify(
                rows.map((r) => ({ ...r, dead_letter: dlOf.get(r.id) ?? null })),
                null,
                2,
              ) + '\n',
            );
          }
          if (rows.length === 0)
            return void ctx.out.write(
              o.failed ? `No failed records in ${flow}.\n` : `No records in ${flow}.\n`,
            );
          ctx.out.write(
            formatTable(
              ['record', 'source id', 'state', 'target id', 'dead letter', 'why', 'at'],
              rows.map((r) => {
                const dl = dlOf.get(r.id);
                return [
                  r.id,
                  r.source_id,
                  r.state,
                  r.target_id,
                  dl ? `${dl.id} (${dl.state})` : '',
                  r.error_code ? `${r.error_code}: ${r.error_message ?? ''}` : skipReason(r),
                  r.created_at,
                ];
              }),
            ),
          );
          if (o.failed)
            ctx.out.write(
              'Replay with: koppel replay <dead letter id…> or koppel replay --flow ' + flow + '\n',
            );
        },
      );

    program
      .command('record <id>')
      .description(
        'Show one record: its timeline, source snapshot, payload, request, response and field diff.',
      )
      .option('--json', 'print JSON')
      .action(async (id: string, o: { json?: boolean }) => {
        const app = await ctx.app();
        const r = await getRecord(app.store.db, id);
        if (!r) throw new KoppelError(`No record "${id}"`, { code: 'records.not_found', kind: 'not_found' });
        const parsed = {
          ...r,
          timeline: JSON.parse(r.timeline) as Array<{ at: string; step: string; detail?: string }>,
          snapshot: r.snapshot ? (JSON.parse(r.snapshot) as unknown) : null,
          payload: r.payload ? (JSON.parse(r.payload) as unknown) : null,
          request: r.request ? (JSON.parse(r.request) as unknown) : null,
          response: r.response ? (JSON.parse(r.response) as unknown) : null,
          diff: r.diff ? (JSON.parse(r.diff) as unknown) : null,
        };
        if (o.json) return void ctx.out.write(JSON.stringify(parsed, null, 2) + '\n');
        const out: string[] = [
          `Record ${r.id}: ${r.entity} ${r.source_id} in flow ${r.flow_id}, run ${r.run_id}`,
          `  state ${r.state}${r.target_id ? `, target ${r.target_id}` : ''}, mapping version ${r.mapping_version ?? '-'}, attempts ${r.attempts}`,
        ];
        if (r.error_code)
          out.push(`  error ${r.error_code} (${r.error_kind ?? ''}): ${r.error_message ?? ''}`);
        out.push('', 'Timeline');
        for (const s of parsed.timeline) out.push(`  ${s.at}  ${s.step}${s.detail ? `  ${s.detail}` : ''}`);
        if (r.payload_purged) out.push('', '(payloads purged by the retention policy)');
        for (const [label, value] of [
          ['Source snapshot', parsed.snapshot],
          ['Mapped payload', parsed.payload],
          ['Request', parsed.request],
          ['Response', parsed.response],
          ['Field diff', parsed.diff],
        ] as const) {
          if (value !== null) out.push('', label, indent(JSON.stringify(value, null, 2)));
        }
        ctx.out.write(out.join('\n') + '\n');
      });
  },
};

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}

/** Why a record was skipped: the detail of its `skipped` step (e.g. the status filter's reason). */
function skipReason(r: { state: string; timeline: string }): string {
  if (r.state !== 'skipped') return '';
  const steps = JSON.parse(r.timeline) as Array<{ step: string; detail?: string }>;
  return steps.findLast((s) => s.step === 'skipped')?.detail ?? '';
}
