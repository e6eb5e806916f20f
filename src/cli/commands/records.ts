import { KoppelError } from '../../core/errors.js';
import { findRecords } from '../../engine/find-records.js';
import { recordDetail } from '../../engine/record-detail.js';
import type { CliCommand } from '../main.js';
import { requireFlowId, wholeOption } from '../options.js';
import { formatTable } from '../table.js';

export const recordsCommand: CliCommand = {
  register(program, ctx) {
    program
      .command('records <flow>')
      .description("List a flow's records, newest first; --failed shows the ones that need attention.")
      .option('--failed', 'only failed and dead-lettered records (with their dead letter ids)')
      .option('--source-id <id>', 'only this source record')
      .option(
        '--search <text>',
        'only records known by this text: an invoice or order number, a customer e-mail or name, an article code, a source or target id',
      )
      .option('--limit <n>', 'how many', '50')
      .option('--json', 'print JSON')
      .action(
        async (
          flow: string,
          o: { failed?: boolean; sourceId?: string; search?: string; limit: string; json?: boolean },
        ) => {
          const limit = wholeOption('--limit', o.limit);
          const app = await ctx.app();
          await requireFlowId(app.store.db, flow);
          const { items } = await findRecords(app.store.db, {
            flowId: flow,
            sourceId: o.sourceId,
            search: o.search,
            states: o.failed ? ['failed', 'dead_lettered'] : undefined,
            limit,
          });
          if (o.json) return void ctx.out.write(JSON.stringify(items, null, 2) + '\n');
          if (items.length === 0) {
            const what = o.failed ? 'failed records' : 'records';
            const matching = o.search ? ` matching "${o.search}"` : '';
            return void ctx.out.write(`No ${what}${matching} in ${flow}.\n`);
          }
          ctx.out.write(
            formatTable(
              ['record', 'source id', 'what', 'state', 'target id', 'dead letter', 'why', 'at'],
              items.map((r) => [
                r.id,
                r.sourceId,
                r.label ?? '',
                r.state,
                r.targetId,
                r.deadLetter ? `${r.deadLetter.id} (${r.deadLetter.state})` : '',
                r.error ? `${r.error.code}: ${r.error.message}` : (r.skipReason ?? ''),
                r.createdAt,
              ]),
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
        const r = await recordDetail(app.store.db, id);
        if (!r) throw new KoppelError(`No record "${id}"`, { code: 'records.not_found', kind: 'not_found' });
        if (o.json) return void ctx.out.write(JSON.stringify(r, null, 2) + '\n');
        const named = r.label ?? `${r.entity} ${r.sourceId}`;
        const out: string[] = [
          `Record ${r.id}: ${named} in flow ${r.flowId}, run ${r.runId}`,
          `  state ${r.state}${r.targetId ? `, target ${r.targetId}` : ''}, mapping version ${r.mappingVersion ?? '-'}, attempts ${r.attempts}`,
        ];
        if (r.error) out.push(`  error ${r.error.code} (${r.error.kind ?? ''}): ${r.error.message}`);
        if (r.deadLetter) out.push(`  dead letter ${r.deadLetter.id} (${r.deadLetter.state})`);
        out.push('', 'Timeline');
        for (const s of r.timeline) out.push(`  ${s.at}  ${s.step}${s.detail ? `  ${s.detail}` : ''}`);
        if (r.payloadsPurged) out.push('', '(payloads purged by the retention policy)');
        for (const [label, value] of [
          ['Source snapshot', r.snapshot],
          ['Mapped payload', r.payload],
          ['Request', r.request],
          ['Response', r.response],
          ['Field diff', r.diff],
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
