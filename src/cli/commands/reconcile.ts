import { KoppelError } from '../../core/errors.js';
import { assertFlowConnectionsReady } from '../../engine/connection-readiness.js';
import { euros, reconcileCsv, vatText } from '../../engine/reconcile-csv.js';
import {
  reconcileFlow,
  type ReconcileDifference,
  type ReconcileReport,
} from '../../engine/reconcile-flow.js';
import {
  flowReconcileReports,
  reconcileReportDetail,
  type ReconcileReportSummary,
} from '../../engine/reconcile-report-view.js';
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
          'gross per day, and every document missing, extra or different to the cent); exits 1 when they differ. ' +
          'Every reconciliation is stored: --reports lists them, --report <id> shows one.',
      )
      .option('--from <day>', 'first day, YYYY-MM-DD (default: the first of last month)')
      .option('--to <day>', 'last day, YYYY-MM-DD (default: the last of last month)')
      .option('--format <format>', 'text, json or csv', 'text')
      .option(
        '--reports',
        'list the stored reconciliations of the flow (newest first) instead; compares nothing',
      )
      .option('--report <id>', 'show a stored reconciliation of the flow instead; compares nothing')
      .option('--limit <n>', 'with --reports: how many', '20')
      .action(
        async (
          flowId: string,
          o: {
            from?: string;
            to?: string;
            format: string;
            reports?: boolean;
            report?: string;
            limit: string;
          },
        ) => {
          if (!(formats as readonly string[]).includes(o.format))
            throw new KoppelError(`--format is one of ${formats.join(', ')}, not "${o.format}"`, {
              code: 'cli.bad_option',
              kind: 'invalid',
            });
          const app = await ctx.app();
          if (!(await getFlow(app.store.db, flowId)))
            throw new KoppelError(`No flow "${flowId}"`, { code: 'flow.not_found', kind: 'not_found' });
          const scrub = (t: string) => app.secrets.scrub(t);
          if (o.reports) {
            const limit = Number(o.limit);
            if (!Number.isInteger(limit) || limit < 1 || limit > 500)
              throw new KoppelError(`--limit is a whole number from 1 to 500, not "${o.limit}"`, {
                code: 'cli.bad_option',
                kind: 'invalid',
              });
            const { items } = await flowReconcileReports(app.store.db, flowId, { limit });
            ctx.out.write(
              scrub(o.format === 'json' ? JSON.stringify(items, null, 2) + '\n' : formatReports(items)),
            );
            return;
          }
          if (o.report !== undefined) {
            const detail = await reconcileReportDetail(app.store.db, o.report);
            if (!detail || detail.flowId !== flowId)
              throw new KoppelError(`Flow ${flowId} has no reconcile report "${o.report}"`, {
                code: 'reconcile.report_not_found',
                kind: 'not_found',
              });
            if (!detail.report) {
              ctx.out.write(
                o.format === 'json'
                  ? JSON.stringify(detail, null, 2) + '\n'
                  : scrub(
                      `Reconcile report ${detail.id} is ${detail.outcome}${detail.error ? `: ${detail.error}` : ''}\n`,
                    ),
              );
              return;
            }
            ctx.out.write(scrub(rendered(detail.report, o.format)));
            if (!detail.report.agree) ctx.exitCode = 1;
            return;
          }
          await assertFlowConnectionsReady(app.store.db, app.registry.apps, flowId);
          const report = await reconcileFlow(app.engine, { flowId, trigger: 'cli', from: o.from, to: o.to });
          ctx.out.write(scrub(rendered(report, o.format)));
          if (!report.agree) ctx.exitCode = 1;
        },
      );
  },
};

function rendered(report: ReconcileReport, format: string): string {
  if (format === 'json') return JSON.stringify(report, null, 2) + '\n';
  return format === 'csv' ? reconcileCsv(report) : formatReport(report);
}

/** A failure's first words: the table stays readable, `--report <id>` shows the whole error. */
function shortened(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function formatReports(items: ReconcileReportSummary[]): string {
  if (items.length === 0) return 'No stored reconciliations yet.\n';
  return (
    formatTable(
      ['report', 'started', 'trigger', 'period', 'outcome', 'documents', 'differences', 'calls'],
      items.map((r) => [
        r.id,
        r.startedAt,
        r.trigger,
        `${r.period.from}..${r.period.to}`,
        r.outcome === 'failed' ? `failed: ${shortened(r.error ?? '', 60)}` : r.outcome,
        String(r.documents),
        String(r.differences),
        String(r.calls),
      ]),
    ) + '\nShow one with `koppel reconcile <flow> --report <id>`.\n'
  );
}

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
