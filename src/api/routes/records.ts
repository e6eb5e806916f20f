import { z } from 'zod';
import { findRecords } from '../../engine/find-records.js';
import { recordDetail } from '../../engine/record-detail.js';
import { recordStates } from '../../engine/transitions.js';
import { beforeQuery, page, recordBody, recordListItemBody } from '../activity-schemas.js';
import { assertPairInScope, notFound, pairScopeOf, responses, type ApiRoute } from '../route-kit.js';
import { idParams, isoTime, limitQuery } from '../schemas.js';

/** An ISO date or date-time with any offset, as the UTC text records are stored with. */
const utc = (text: string | undefined) => (text === undefined ? undefined : new Date(text).toISOString());

/** The activity log: records, searchable, and one record's timeline. */
export const recordsRoute: ApiRoute = (server, ctx) => {
  const { db } = ctx.app.store;

  server.get(
    '/api/records',
    {
      config: { access: 'viewer' },
      schema: {
        summary: 'Search the activity log',
        description:
          'Records newest first, only of pairs the caller may see, each named as people know it (`label`); page with `before`. `q` finds a record by what people know it by: an invoice or order number, a customer e-mail or name, an article code or EAN, a source or target id. `error` finds failures by a part of their code or message.',
        tags: ['records'],
        querystring: z.object({
          flow: z.string().min(1).optional(),
          pair: z.string().min(1).optional(),
          run: z.string().min(1).optional(),
          state: z.enum(recordStates).optional(),
          errorCode: z.string().min(1).optional().describe('e.g. mapping.required_missing'),
          error: z
            .string()
            .trim()
            .min(1)
            .max(200)
            .optional()
            .describe("A part of the error's code or message; case does not matter"),
          from: isoTime.optional().describe('Stored at or after this time'),
          to: isoTime.optional().describe('Stored before this time'),
          q: z
            .string()
            .trim()
            .min(1)
            .max(200)
            .optional()
            .describe('Text the record is known by; case does not matter, a part is enough'),
          limit: limitQuery(50, 500),
          before: beforeQuery,
        }),
        response: responses({ 200: page(recordListItemBody) }),
      },
    },
    (req) =>
      findRecords(db, {
        flowId: req.query.flow,
        pairId: req.query.pair,
        pairIds: pairScopeOf(req),
        runId: req.query.run,
        states: req.query.state ? [req.query.state] : undefined,
        errorCode: req.query.errorCode,
        errorText: req.query.error,
        from: utc(req.query.from),
        to: utc(req.query.to),
        search: req.query.q,
        limit: req.query.limit,
        before: req.query.before,
      }),
  );

  server.get(
    '/api/records/:id',
    {
      config: { access: 'viewer' },
      schema: {
        summary: "Show a record's timeline",
        description:
          'Source snapshot, mapped payload, request, response, field diff and outcome, its dead letter and its run. Payloads are kept for a shorter time than the rest: once the retention policy purged them they are null and `payloadsPurged` is true.',
        tags: ['records'],
        params: idParams,
        response: responses({ 200: recordBody }),
      },
    },
    async (req) => {
      const missing = () => notFound('record', req.params.id, 'record.not_found');
      const record = await recordDetail(db, req.params.id);
      if (!record) throw missing();
      assertPairInScope(req, record.pairId, missing);
      return record;
    },
  );
};
