import { recordAudit } from '../../access/audit.js';
import { flowMemory } from '../../engine/pair-memory.js';
import { chooseDebtor, forgetDebtorChoice, listDebtorChoices } from '../../flows/orders/debtor-choices.js';
import { KoppelError } from '../../core/errors.js';
import { getFlow, type Flow } from '../../store/repos/flows.js';
import type { Store } from '../../store/database.js';
import { cliActor } from '../cli-actor.js';
import type { CliCommand } from '../main.js';
import { requireFlowId } from '../options.js';
import { formatTable } from '../table.js';

async function flowOf(store: Store, flowId: string): Promise<Flow> {
  await requireFlowId(store.db, flowId);
  return (await getFlow(store.db, flowId))!;
}

function required(value: string | undefined, option: string, what: string): string {
  if (!value?.trim())
    throw new KoppelError(`${option}: name ${what}`, { code: 'cli.missing_option', kind: 'invalid' });
  return value;
}

/** The CLI side of `/api/flows/{id}/debtor-choices`: a person's answer to an ambiguous debtor. */
export const debtorsCommand: CliCommand = {
  register(program, ctx) {
    const debtors = program
      .command('debtors')
      .description(
        "Which Asperion debtor an orders flow books an Exact account's orders on, when a person chose it.",
      );
    debtors
      .command('choose <flow>')
      .description(
        "Book the orders of an Exact account on this Asperion debtor from now on, with no look-up; then replay the account's dead letters (orders.ambiguous_debtor).",
      )
      .option('--account <account>', 'the Exact account, by its ID or its code')
      .option('--debtor <number>', "the Asperion debtor's customer number")
      .option('--json', 'print JSON')
      .action(async (flowId: string, o: { account?: string; debtor?: string; json?: boolean }) => {
        const app = await ctx.app();
        const flow = await flowOf(app.store, flowId);
        const actor = cliActor();
        const saved = await chooseDebtor(await flowMemory(app.store, flow, app.clock), flow, {
          account: required(o.account, '--account', 'the Exact account (its ID or code)'),
          debtor: required(o.debtor, '--debtor', "the Asperion debtor's customer number"),
          by: actor.name,
          at: app.clock.now().toISOString(),
        });
        await recordAudit(app.store.db, app.clock, {
          actor,
          action: 'flow.debtor_choose',
          target: { kind: 'flow', id: flow.id },
          pairId: flow.pairId,
          details: { account: saved.account, debtor: saved.debtor },
        });
        if (o.json) return void ctx.out.write(JSON.stringify(saved, null, 2) + '\n');
        ctx.out.write(
          `Orders of Exact account ${saved.account} go on Asperion debtor ${saved.debtor} from now on; replay its dead letters with \`koppel replay --flow ${flow.id} --code orders.ambiguous_debtor\`.\n`,
        );
      });
    debtors
      .command('choices <flow>')
      .description('The Exact accounts whose orders go on a debtor a person chose.')
      .option('--json', 'print JSON')
      .action(async (flowId: string, o: { json?: boolean }) => {
        const app = await ctx.app();
        const flow = await flowOf(app.store, flowId);
        const choices = await listDebtorChoices(await flowMemory(app.store, flow, app.clock), flow);
        if (o.json) return void ctx.out.write(JSON.stringify(choices, null, 2) + '\n');
        if (choices.length === 0) return void ctx.out.write(`No debtor choices for ${flowId}.\n`);
        ctx.out.write(
          formatTable(
            ['ACCOUNT', 'DEBTOR', 'CHOSEN AT', 'BY'],
            choices.map((c) => [c.account, c.debtor, c.chosenAt, c.chosenBy]),
          ),
        );
      });
    debtors
      .command('forget <flow>')
      .description('Forget the debtor chosen for an Exact account: its next order finds one as before.')
      .option('--account <account>', 'the Exact account, as it was chosen for (ID or code)')
      .action(async (flowId: string, o: { account?: string }) => {
        const app = await ctx.app();
        const flow = await flowOf(app.store, flowId);
        const account = required(o.account, '--account', 'the Exact account (its ID or code)');
        if (!(await forgetDebtorChoice(await flowMemory(app.store, flow, app.clock), flow, account)))
          throw new KoppelError(`No debtor was chosen for Exact account ${account} in ${flowId}`, {
            code: 'debtors.choice_not_found',
            kind: 'not_found',
          });
        await recordAudit(app.store.db, app.clock, {
          actor: cliActor(),
          action: 'flow.debtor_forget',
          target: { kind: 'flow', id: flow.id },
          pairId: flow.pairId,
          details: { account },
        });
        ctx.out.write(`Forgot the debtor chosen for Exact account ${account}.\n`);
      });
  },
};
