import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { KoppelError } from '../../core/errors.js';
import { replayModes, type ReplayMode } from '../../engine/replay.js';
import {
  namesReplayTarget,
  queueReplay,
  selectForReplay,
  type ReplaySelection,
} from '../../engine/replay-selection.js';
import { audit, pairScopeOf, responses, type ApiContext, type ApiRoute } from '../route-kit.js';
import { idParams, isoTime } from '../schemas.js';
import { scopedFlow } from '../scoped-flow.js';
import { openDeadLetter } from './open-dead-letter.js';
import { deadLetter } from './dead-letter-schemas.js';

const shownAtMost = 500;

const mode = z
  .enum(replayModes)
  .default('current')
  .describe(
    'as-was: the snapshot with the mapping version it failed with; current (default): the mapping now, ' +
      'and the record as the source has it now where the flow can read it again',
  );
const dryRun = z.boolean().optional().describe('List what would be replayed; replay nothing');

const replayBody = z.object({
  ids: z.array(z.string().min(1)).min(1).max(10_000).optional().describe('These dead letters'),
  flow: z.string().optional().describe("The flow's dead letters"),
  code: z.string().optional().describe('Dead letters with this error code'),
  from: isoTime.optional().describe('Parked at or after this time'),
  to: isoTime.optional().describe('Parked before this time'),
  all: z.boolean().optional().describe('Every open dead letter; needed when no id or filter is given'),
  mode,
  dryRun,
});

const replayQueued = z
  .object({
    matched: z.number().int().describe('How many open dead letters the request took'),
    mode: z.enum(replayModes),
    jobs: z
      .array(z.object({ flowId: z.string(), jobId: z.string(), deadLetters: z.number().int() }))
      .describe('One replay job per flow; each runs under its flow’s lock, after a run of it that is going'),
  })
  .meta({ id: 'ReplayQueued' });

const replayPreview = z
  .object({
    matched: z.number().int(),
    mode: z.enum(replayModes),
    items: z.array(deadLetter).describe(`What would be replayed, oldest first (at most ${shownAtMost})`),
  })
  .meta({ id: 'ReplayPreview' });

/** Replay dead letters by filter or one by id: queued jobs, or (dryRun) what they would take. */
export const replayDeadLettersRoute: ApiRoute = (server, ctx) => {
  server.post(
    '/api/dead-letters/replay',
    {
      config: { access: 'operator' },
      schema: {
        summary: 'Replay dead letters by id or by filter',
        description:
          'Takes the open dead letters named by `ids` or matching every filter given (`flow`, `code`, `from`, ' +
          '`to`); with none of them, `all: true` is needed. Queues one replay job per flow (202); each ' +
          'dead letter that goes through is resolved, one that fails again stays open with its new error. ' +
          '`dryRun` answers what would be replayed (200).',
        tags: ['dead-letters'],
        body: replayBody,
        response: responses({ 200: replayPreview, 202: replayQueued }),
      },
    },
    async (req, reply) => {
      const b = req.body;
      if (b.flow !== undefined) await scopedFlow(ctx, req, b.flow);
      const selection: ReplaySelection = {
        ids: b.ids,
        flowId: b.flow,
        errorCode: b.code,
        from: b.from === undefined ? undefined : new Date(b.from).toISOString(),
        to: b.to === undefined ? undefined : new Date(b.to).toISOString(),
        all: b.all,
        pairIds: pairScopeOf(req),
      };
      if (!namesReplayTarget(selection))
        throw new KoppelError('Name dead letter ids, a filter (flow, code, from, to) or all: true', {
          code: 'replay.missing_filter',
          kind: 'invalid',
        });
      return answerReplay(ctx, req, reply, selection, b.mode, b.dryRun === true, null);
    },
  );

  server.post(
    '/api/dead-letters/:id/replay',
    {
      config: { access: 'operator' },
      schema: {
        summary: 'Replay one dead letter',
        description:
          'As the replay by filter, for this one; 409 when it is not open (resolved, or replaying now).',
        tags: ['dead-letters'],
        params: idParams,
        body: z.object({ mode, dryRun }).nullish(),
        response: responses({ 200: replayPreview, 202: replayQueued }),
      },
    },
    async (req, reply) => {
      const letter = await openDeadLetter(ctx, req, req.params.id, 'replay');
      const selection = { ids: [letter.id], pairIds: pairScopeOf(req) };
      return answerReplay(
        ctx,
        req,
        reply,
        selection,
        req.body?.mode ?? 'current',
        req.body?.dryRun === true,
        letter.id,
      );
    },
  );
};

async function answerReplay(
  ctx: ApiContext,
  req: FastifyRequest,
  reply: FastifyReply,
  selection: ReplaySelection,
  mode: ReplayMode,
  dryRun: boolean,
  single: string | null,
) {
  if (dryRun) {
    const letters = await selectForReplay(ctx.app.engine, selection);
    return reply.status(200).send({ matched: letters.length, mode, items: letters.slice(0, shownAtMost) });
  }
  const queued = await queueReplay(ctx.app.engine, ctx.queue, selection, mode);
  if (queued.jobs.length > 0) {
    await audit(ctx, req, {
      action: 'dead_letter.replay',
      target: { kind: 'dead_letter', id: single },
      pairId: queued.pairIds.length === 1 ? queued.pairIds[0] : null,
      details: {
        mode,
        filter: filterText(selection),
        matched: queued.matched,
        jobs: queued.jobs.map((j) => ({ flowId: j.flowId, jobId: j.jobId })),
      },
    });
  }
  return reply.status(202).send({ matched: queued.matched, mode, jobs: queued.jobs });
}

/** The filter as the audit log keeps it: what was asked, ids counted when there are many. */
function filterText(s: ReplaySelection): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (s.ids) out.ids = s.ids.length <= 50 ? s.ids : `${s.ids.length} ids`;
  if (s.flowId) out.flow = s.flowId;
  if (s.errorCode) out.code = s.errorCode;
  if (s.from) out.from = s.from;
  if (s.to) out.to = s.to;
  if (s.all) out.all = true;
  return out;
}
