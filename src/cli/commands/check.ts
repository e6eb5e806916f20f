import { checkPairMappings, checkReport, type FlowMappingCheck } from '../../engine/check-mappings.js';
import type { CliCommand } from '../main.js';
import { formatTable } from '../table.js';

export const checkCommand: CliCommand = {
  register(program, ctx) {
    program
      .command('check <pair>')
      .description(
        'List the source values each flow of a pair has no mapping for yet (VAT codes, countries, accounts, …), ' +
          'reading both sides live; exits non-zero when something is missing.',
      )
      .option('--json', 'print JSON')
      .action(async (pairId: string, o: { json?: boolean }) => {
        const app = await ctx.app();
        const results = await checkPairMappings(app.engine, pairId);
        const scrub = (t: string) => app.secrets.scrub(t);
        const missing = results.reduce(
          (n, r) => n + (r.status === 'checked' ? r.missing.filter((m) => !m.informational).length : 0),
          0,
        );
        const errors = results.filter((r) => r.status === 'error').length;
        const report = checkReport(pairId, results);
        if (!report.ok) ctx.exitCode = 1;
        if (o.json) return void ctx.out.write(scrub(JSON.stringify(report, null, 2)) + '\n');
        for (const r of results) ctx.out.write(scrub(formatFlow(r)));
        const checked = results.filter((r) => r.status === 'checked').length;
        if (checked === 0 && errors === 0)
          ctx.out.write(`Nothing to check: no flow of pair ${pairId} can check its mappings.\n`);
        else if (missing === 0 && errors === 0) ctx.out.write(`Pair ${pairId}: all mapped.\n`);
        else
          ctx.out.write(
            `Pair ${pairId}: ${missing} source value(s) without a mapping` +
              (errors ? `, ${errors} flow(s) could not be checked` : '') +
              '.\n',
          );
      });
  },
};

function formatFlow(r: FlowMappingCheck): string {
  const head = `Flow ${r.flowId} (${r.kind})`;
  if (r.status === 'not_checked') return `${head}: not checked (its kind has no mapping check)\n`;
  if (r.status === 'error') return `${head}: could not be checked: ${r.error.code}: ${r.error.message}\n`;
  if (r.missing.length === 0) return `${head}: all mapped\n`;
  // The domain is printed once per group, so the table reads as a list per domain.
  const suggest = r.missing.some((m) => m.suggestion !== undefined);
  const rows = r.missing.map((m, i) => [
    i > 0 && r.missing[i - 1]!.domain === m.domain ? '' : m.domain,
    m.value,
    m.where,
    ...(suggest ? [m.suggestion ?? ''] : []),
  ]);
  const columns = ['domain', 'value', 'where', ...(suggest ? ['suggestion'] : [])];
  const review = r.missing.filter((m) => m.informational).length;
  const needed = r.missing.length - review;
  const counts =
    review === 0
      ? `${needed} without a mapping`
      : needed === 0
        ? `all mapped; ${review} listed for review`
        : `${needed} without a mapping, ${review} listed for review`;
  return `${head}: ${counts}\n${formatTable(columns, rows)}\n`;
}
