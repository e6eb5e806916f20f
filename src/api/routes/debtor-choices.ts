import { z } from 'zod';
import { flowMemory } from '../../engine/pair-memory.js';
import { chooseDebtor, forgetDebtorChoice, listDebtorChoices } from '../../flows/orders/debtor-choices.js';
import { audit, notFound, principalOf, responses, type ApiRoute } from '../route-kit.js';
import { idParams } from '../schemas.js';
import { scopedFlow } from '../scoped-flow.js';

const choiceBody = z
  .object({
    account: z.string().describe('The Exact account, by its ID or its code'),
    debtor: z.string().describe("The Asperion debtor's customer number"),
    chosenAt: z.string(),
    chosenBy: z.string().describe('Who chose it (a user, a token, or `cli (<user>)`)'),
  })
  .meta({
    id: 'DebtorChoice',
    description: 'The Asperion debtor the orders of one Exact account go on, as a person chose it.',
  });

const newChoice = z.object({
  account: z.string().trim().min(1).max(200).describe('The Exact account, by its ID or its code'),
  debtor: z.string().trim().min(1).max(100).describe("The Asperion debtor's customer number"),
});

/**
 * A person's answer to an ambiguous debtor (`orders.ambiguous_debtor`): the orders of an Exact
 * account go on this debtor from now on, with no look-up; replaying the dead letter then books it.
 */
export const debtorChoicesRoute: ApiRoute = (server, ctx) => {
  const { app } = ctx;

  server.get(
    '/api/flows/:id/debtor-choices',
    {
      config: { access: 'viewer' },
      schema: {
        summary: "List an orders flow's debtor choices",
        description: 'The Exact accounts whose orders go on a debtor a person chose, by account.',
        tags: ['flows'],
        params: idParams,
        response: responses({ 200: z.object({ items: z.array(choiceBody) }) }),
      },
    },
    async (req) => {
      const flow = await scopedFlow(ctx, req, req.params.id);
      return { items: await listDebtorChoices(await flowMemory(app.store, flow, app.clock), flow) };
    },
  );

  server.post(
    '/api/flows/:id/debtor-choices',
    {
      config: { access: 'operator' },
      schema: {
        summary: 'Choose the debtor of an Exact account',
        description:
          "Orders of the account go on this Asperion debtor from now on, with no look-up (for every orders flow of the pair into the same administration); replay the account's dead letters (`orders.ambiguous_debtor`) to book them. Choosing again replaces the choice. The debtor is checked when an order uses it.",
        tags: ['flows'],
        params: idParams,
        body: newChoice,
        response: responses({ 200: choiceBody }),
      },
    },
    async (req) => {
      const flow = await scopedFlow(ctx, req, req.params.id);
      const saved = await chooseDebtor(await flowMemory(app.store, flow, app.clock), flow, {
        ...req.body,
        by: principalOf(req).name,
        at: app.clock.now().toISOString(),
      });
      await audit(ctx, req, {
        action: 'flow.debtor_choose',
        target: { kind: 'flow', id: flow.id },
        pairId: flow.pairId,
        details: { account: saved.account, debtor: saved.debtor },
      });
      return saved;
    },
  );

  server.delete(
    '/api/flows/:id/debtor-choices/:account',
    {
      config: { access: 'operator' },
      schema: {
        summary: 'Forget the debtor chosen for an Exact account',
        description:
          "The account's next order finds its debtor as before the choice (remembered, linked or looked up).",
        tags: ['flows'],
        params: idParams.extend({ account: z.string().min(1).max(200) }),
        response: responses({ 204: z.null().describe('Forgotten') }),
      },
    },
    async (req, reply) => {
      const flow = await scopedFlow(ctx, req, req.params.id);
      if (!(await forgetDebtorChoice(await flowMemory(app.store, flow, app.clock), flow, req.params.account)))
        throw notFound('debtor choice for account', req.params.account, 'debtors.choice_not_found');
      await audit(ctx, req, {
        action: 'flow.debtor_forget',
        target: { kind: 'flow', id: flow.id },
        pairId: flow.pairId,
        details: { account: req.params.account },
      });
      return reply.status(204).send(null);
    },
  );
};
