import { KoppelError } from '../../core/errors.js';
import { assertFlowConnectionsReady } from '../../engine/connection-readiness.js';
import { euros, reconcileCsv, vatText } from '../../engine/reconcile-csv.js';
import {
  reconcileFlow,
  type ReconcileDifference,
  type ReconcileReport,
} from '../../engine/reconcile-flow.js';
import { getFlow } from '../../store/repos/flows.js';
import type { CliCommand } from '../main.js';
import { formatTable } from '../table.js';

const formats = ['text', 'json', 'csv'] as const;

export const reconcileCommand: CliCommand = {
  register(program, ctx) {
    program
      .command('reconcile <flow>')
      .description(
        "Compare a period's documents in Exact with what Asperion holds for them (count, net, VAT per rate, " +
          'gross per day, and every document missing, extra or different to the cent); exits 1 when they differ.',
      )
      .option('--from <day>', 'first day, YYYY-MM-DD (default: the first of last month)')
      .option('--to <day>', 'last day, YYYY-MM-DD (default: the last of last month)')
      .option('--format <format>', 'text, json or csv', 'text')
      .action(async (flowId: string, o: { from?: string; to?: string; format: string }) => {
        if (!(formats as readonly string[]).includes(o.format))
          throw new KoppelError(`--format is one of ${formats.join(', ')}, not "${o.format}"`, {
            code: 'cli.bad_option',
            kind: 'invalid',
          });
        const app = await ctx.app();
        if (!(await getFlow(app.store.db, flowId)))
          throw new KoppelError(`No flow "${flowId}"`, { code: 'flow.not_found', kind: 'not_found' });
        await assertFlowConnectionsReady(app.store.db, app.registry.apps, flowId);
        const report = await reconcileFlow(app.engine, { flowId, trigger: 'cli', from: o.from, to: o.to });
        const scrub = (t: string) => app.secrets.scrub(t);
        const text =
          o.format === 'json'
            ? JSON.stringify(report, null, 2) + '\n'
            : o.format === 'csv'
              ? reconcileCsv(report)
              : formatReport(report);
        ctx.out.write(scrub(text));
        if (!report.agree) ctx.exitCode = 1;
      });
  },
};

function formatReport(r: ReconcileReport): string {
  const head = `Flow ${r.flowId}, ${r.period.from} to ${r.period.to}`;
  const days = formatTable(
    ['date', 'side', 'count', 'net', 'VAT', 'gross'],
    r.days.flatMap((d) => [
      [
        d.date,
        'Exact',
        String(d.source.count),
        euros(d.source.netCents),
        vatText(d.source),
        euros(d.source.grossCents),
      ],
      [
        '',
        'Asperion',
        String(d.target.count),
        euros(d.target.netCents),
        vatText(d.target),
        euros(d.target.grossCents),
      ],
    ]),
  );
  const t = r.totals;
  const total =
    `Exact: ${t.source.count} document(s), net ${euros(t.source.netCents)}, VAT ${vatText(t.source) || '0.00'}, gross ${euros(t.source.grossCents)}\n` +
    `Asperion: ${t.target.count} document(s), net ${euros(t.target.netCents)}, VAT ${vatText(t.target) || '0.00'}, gross ${euros(t.target.grossCents)}\n`;
  const calls = `API calls: Exact ${r.apiCalls.source}, Asperion ${r.apiCalls.target}\n`;
  if (r.agree) return `${head}: the books agree.\n${r.days.length ? days + '\n' : ''}${total}${calls}`;
  const differences = formatTable(
    ['date', 'difference', 'document', 'Exact gross', 'Asperion gross', 'record'],
    r.differences.map((d) => [
      d.date,
      describe(d),
      `${d.label} (${d.sourceId})`,
      d.source ? euros(d.source.grossCents) : '',
      d.target ? euros(d.target.grossCents) : '',
      d.record ? `${d.record.id} (${d.record.state})` : '',
    ]),
  );
  return (
    `${head}: ${r.differences.length} difference(s).\n${differences}\n${days}\n${total}${calls}` +
    'See a record with `koppel record <id>`.\n'
  );
}

function describe(d: ReconcileDifference): string {
  if (d.kind === 'missing') return 'missing in Asperion';
  if (d.kind === 'extra') return 'in Asperion, not in Exact';
  return `${d.fields.join(', ')} differ`;
}
