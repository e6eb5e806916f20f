import { z } from 'zod';
import { openDeadLetter } from './open-dead-letter.js';
import { deadLetterDetail as readDeadLetter, listDeadLetterViews } from '../../engine/dead-letter-view.js';
import { deadLetterStates } from '../../engine/transitions.js';
import { dismissDeadLetter } from '../../engine/dismiss-dead-letter.js';
import { audit, pairScopeOf, responses, type ApiRoute } from '../route-kit.js';
import { idParams, isoTime, limitQuery } from '../schemas.js';
import { deadLetter, deadLetterDetail } from './dead-letter-schemas.js';

const listQuery = z.object({
  flow: z.string().optional().describe('Only this flow'),
  pair: z.string().optional().describe('Only this pair'),
  code: z.string().optional().describe('Only this error code, e.g. mapping.required_missing'),
  state: z.enum(deadLetterStates).optional().describe('Only dead letters in this state'),
  from: isoTime.optional().describe('Parked at or after this time'),
  to: isoTime.optional().describe('Parked before this time'),
  limit: limitQuery(50),
  before: z.string().optional().describe('The `next` of the page before: dead letters older than this id'),
});

const iso = (text: string | undefined) => (text === undefined ? undefined : new Date(text).toISOString());

/**
 * Dead letters: the list with filters, one with its record's timeline and its snapshot, and
 * dismissing one a person has dealt with.
 */
export const deadLettersRoute: ApiRoute = (server, ctx) => {
  server.get(
    '/api/dead-letters',
    {
      config: { access: 'viewer' },
      schema: {
        summary: 'Dead letters, newest first',
        description:
          'Records that could not be handled, each named as people know the document, with its error. ' +
          'Never the snapshot (see GET /api/dead-letters/{id}). Pages with `limit` and `before`.',
        tags: ['dead-letters'],
        querystring: listQuery,
        response: responses({
          200: z.object({
            items: z.array(deadLetter),
            next: z.string().nullable().describe('Pass as `before` for the next page; null at the end'),
          }),
        }),
      },
    },
    async (req) => {
      const q = req.query;
      const items = await listDeadLetterViews(ctx.app.engine, {
        pairIds: pairScopeOf(req),
        pairId: q.pair,
        flowId: q.flow,
        errorCode: q.code,
        states: q.state ? [q.state] : undefined,
        from: iso(q.from),
        to: iso(q.to),
        before: q.before,
        limit: q.limit,
      });
      return { items, next: items.length === q.limit ? (items[items.length - 1]?.id ?? null) : null };
    },
  );

  server.get(
    '/api/dead-letters/:id',
    {
      config: { access: 'viewer' },
      schema: {
        summary: 'One dead letter, its record’s timeline and its snapshot',
        description:
          'The snapshot is kept whole and encrypted for replays; it is shown as the activity log shows payloads: ' +
          'with the installation’s redaction list applied; an open one however old (retention keeps it), ' +
          'a resolved one only within the payload retention (`snapshotWithheld: "retention"` after it).',
        tags: ['dead-letters'],
        params: idParams,
        response: responses({ 200: deadLetterDetail }),
      },
    },
    (req) => readDeadLetter(ctx.app.engine, req.params.id, pairScopeOf(req)),
  );

  server.post(
    '/api/dead-letters/:id/dismiss',
    {
      config: { access: 'operator' },
      schema: {
        summary: 'Dismiss an open dead letter',
        description:
          'For one a person has dealt with (fixed by hand in the target, or not wanted there): it is resolved, ' +
          'is no longer retried automatically and follows the retention of settled dead letters. ' +
          'The reason, if given, is kept in the audit log. 409 when it is not open.',
        tags: ['dead-letters'],
        params: idParams,
        body: z
          .object({
            reason: z
              .string()
              .trim()
              .max(500)
              .optional()
              .describe('Why it needs nothing more (booked by hand, not wanted), for the audit log'),
          })
          .nullish(),
        response: responses({ 200: deadLetter }),
      },
    },
    async (req) => {
      const letter = await openDeadLetter(ctx, req, req.params.id, 'dismiss');
      await dismissDeadLetter(ctx.app.engine, letter.id);
      await audit(ctx, req, {
        action: 'dead_letter.dismiss',
        target: { kind: 'dead_letter', id: letter.id },
        pairId: letter.pairId,
        details: {
          flowId: letter.flowId,
          errorCode: letter.error.code,
          ...(req.body?.reason ? { reason: req.body.reason } : {}),
        },
      });
      const [after] = await listDeadLetterViews(ctx.app.engine, { ids: [letter.id] });
      return after;
    },
  );
};
