import { z } from 'zod';
import { deadLetterGroups } from '../../engine/dead-letter-groups.js';
import { pairScopeOf, responses, type ApiRoute } from '../route-kit.js';
import { deadLetter } from './dead-letter-schemas.js';

const group = z
  .object({
    pairId: z.string(),
    flowId: z.string(),
    code: z.string().describe('The error code they share'),
    count: z.number().int().describe('How many open dead letters'),
    oldestAt: z.string().describe('When the first of them was parked'),
    newestAt: z.string().describe('When the last of them was parked'),
    newest: deadLetter.describe('The newest of them: its error sentence and fix speak for the group'),
  })
  .meta({ id: 'DeadLetterGroup', description: 'Open dead letters of one flow with one error code' });

/** Open dead letters by flow and error code: what a person fixes once and replays together. */
export const deadLetterGroupsRoute: ApiRoute = (server, ctx) => {
  server.get(
    '/api/dead-letters/groups',
    {
      config: { access: 'viewer' },
      schema: {
        summary: 'Open dead letters by flow and error code',
        description:
          'One entry per flow and error code with how many are open, most first, each with its newest dead ' +
          'letter, whose `fix` says where to correct them. Replay a group with POST /api/dead-letters/replay ' +
          '`{ flow, code }`.',
        tags: ['dead-letters'],
        response: responses({ 200: z.object({ items: z.array(group) }) }),
      },
    },
    async (req) => ({ items: await deadLetterGroups(ctx.app.engine, pairScopeOf(req)) }),
  );
};
