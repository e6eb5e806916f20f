import { KoppelError } from '../../core/errors.js';
import type { PairMemory } from '../../engine/types.js';
import type { Flow } from '../../store/repos/flows.js';

/**
 * A person's answer to an ambiguous debtor: the orders of this Exact account go on this Asperion
 * debtor, with no look-up. Kept in the pair memory per Asperion administration (customer numbers
 * mean nothing in another one), so every orders flow of the pair into that administration uses it.
 */
export interface DebtorChoice {
  /** The Exact account, by its ID or its code, as the person named it. */
  account: string;
  /** The Asperion debtor's customer number. */
  debtor: string;
  chosenAt: string;
  chosenBy: string;
}

export const debtorChoicesNamespace = (administration: string) => `orders.debtor-choices:${administration}`;

/** Exact account IDs and codes compare without case and surrounding spaces (Exact pads codes). */
export const debtorChoiceKey = (account: string) => account.trim().toLowerCase();

/**
 * The pair's memory of a flow and its target connection's settings (the engine's `flowMemory`):
 * where the choices of an orders flow live.
 */
export interface FlowMemory {
  memory: PairMemory;
  targetSettings: Record<string, unknown>;
}

/** The namespace the choices of an orders flow live in; other flow kinds have none. */
function namespaceOf(flow: Flow, { targetSettings }: FlowMemory): string {
  if (flow.kind !== 'orders')
    throw new KoppelError(
      `Flow ${flow.id} is a ${flow.kind} flow; debtor choices belong to orders flows (Exact → Asperion)`,
      { code: 'debtors.not_orders_flow', kind: 'invalid' },
    );
  return debtorChoicesNamespace(String(targetSettings['administrationId']));
}

export async function chooseDebtor(
  scope: FlowMemory,
  flow: Flow,
  choice: { account: string; debtor: string; by: string; at: string },
): Promise<DebtorChoice> {
  const account = choice.account.trim();
  const debtor = choice.debtor.trim();
  if (account === '' || debtor === '')
    throw new KoppelError(
      'Name the Exact account (its ID or code) and the Asperion debtor (its customer number)',
      { code: 'debtors.choice_incomplete', kind: 'invalid' },
    );
  const namespace = namespaceOf(flow, scope);
  const saved: DebtorChoice = { account, debtor, chosenAt: choice.at, chosenBy: choice.by };
  await scope.memory.set(namespace, [[debtorChoiceKey(account), saved]]);
  return saved;
}

export async function listDebtorChoices(scope: FlowMemory, flow: Flow): Promise<DebtorChoice[]> {
  const entries = await scope.memory.list<DebtorChoice>(namespaceOf(flow, scope));
  return [...entries.values()].map((e) => e.value);
}

/** Forget the choice for an account; false when there was none. */
export async function forgetDebtorChoice(scope: FlowMemory, flow: Flow, account: string): Promise<boolean> {
  const namespace = namespaceOf(flow, scope);
  const key = debtorChoiceKey(account);
  const had = (await scope.memory.get(namespace, [key])).has(key);
  if (had) await scope.memory.delete(namespace, [key]);
  return had;
}
