import { z } from 'zod';
import { budgetReport, type BudgetReportRow } from '../../engine/budget-report.js';
import { pairScopeOf, responses, type ApiRoute } from '../route-kit.js';

const iso = (ms: number) => new Date(ms).toISOString();

const window = z
  .object({ used: z.number().int(), left: z.number().int(), resetAt: z.string() })
  .nullable()
  .describe('null until the limit was seen in an answer');

export const budgetRowBody = z
  .object({
    pairId: z.string().nullable().describe('The pair whose Exact connection works in this division'),
    connectionId: z.string().nullable(),
    division: z.string(),
    clientId: z.string(),
    budget: z
      .object({
        minute: window,
        day: window,
        errorsLastHour: z.number().int(),
        updatedAt: z.string().describe('When a process last saw it'),
      })
      .nullable()
      .describe('null until a call to the division was made'),
  })
  .meta({ id: 'Budget', description: "One Exact division's API budget, as last seen by any process." });

/** A budget row as answered: times as ISO 8601. */
export function budgetAnswer(r: BudgetReportRow): z.infer<typeof budgetRowBody> {
  return {
    ...r,
    budget:
      r.budget === null
        ? null
        : {
            minute: r.budget.minute && { ...r.budget.minute, resetAt: iso(r.budget.minute.resetAt) },
            day: r.budget.day && { ...r.budget.day, resetAt: iso(r.budget.day.resetAt) },
            errorsLastHour: r.budget.errorsLastHour,
            updatedAt: iso(r.budget.updatedAt),
          },
  };
}

/** The same report as `koppel budget`, within the caller's pairs. */
export const budgetRoute: ApiRoute = (server, ctx) => {
  server.get(
    '/api/budget',
    {
      config: { access: 'viewer' },
      schema: {
        summary: 'API budget per Exact division',
        description:
          'Minute and day used, left and reset, errors in the last hour, per Exact division, as `koppel budget` shows it. Divisions no connection works in any more are listed only to callers who see every pair.',
        tags: ['budget'],
        querystring: z.object({
          pair: z.string().min(1).optional().describe('Only the divisions of this pair'),
        }),
        response: responses({ 200: z.object({ items: z.array(budgetRowBody) }) }),
      },
    },
    async (req) => {
      const scope = pairScopeOf(req);
      const rows = await budgetReport(ctx.app.store.db, ctx.app.clock.now(), { pairId: req.query.pair });
      return {
        items: rows
          .filter((r) => scope === undefined || (r.pairId !== null && scope.includes(r.pairId)))
          .map(budgetAnswer),
      };
    },
  );
};
