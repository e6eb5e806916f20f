import { KoppelError } from '../../core/errors.js';
import type { Store } from '../../store/database.js';
import { getConnection } from '../../store/repos/connections.js';
import type { Flow } from '../../store/repos/flows.js';
import { deleteMemory, listMemory, writeMemory } from '../../store/repos/pair-memory.js';

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

/** The pair memory namespace the choices of an orders flow live in. */
async function choicesOf(store: Store, flow: Flow): Promise<{ pairId: string; namespace: string }> {
  if (flow.kind !== 'orders')
    throw new KoppelError(
      `Flow ${flow.id} is a ${flow.kind} flow; debtor choices belong to orders flows (Exact → Asperion)`,
      { code: 'debtors.not_orders_flow', kind: 'invalid' },
    );
  const target = await getConnection(store.db, flow.targetConnectionId);
  const administration = String(target?.settings['administrationId']);
  return { pairId: flow.pairId, namespace: debtorChoicesNamespace(administration) };
}

export async function chooseDebtor(
  store: Store,
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
  const { pairId, namespace } = await choicesOf(store, flow);
  const saved: DebtorChoice = { account, debtor, chosenAt: choice.at, chosenBy: choice.by };
  await writeMemory(
    store.db,
    store.caps,
    pairId,
    namespace,
    [[debtorChoiceKey(account), JSON.stringify(saved)]],
    choice.at,
  );
  return saved;
}

export async function listDebtorChoices(store: Store, flow: Flow): Promise<DebtorChoice[]> {
  const { pairId, namespace } = await choicesOf(store, flow);
  const rows = await listMemory(store.db, pairId, namespace);
  return [...rows.values()].map((r) => JSON.parse(r.value) as DebtorChoice);
}

/** Forget the choice for an account; false when there was none. */
export async function forgetDebtorChoice(store: Store, flow: Flow, account: string): Promise<boolean> {
  const { pairId, namespace } = await choicesOf(store, flow);
  const key = debtorChoiceKey(account);
  const had = (await listMemory(store.db, pairId, namespace)).has(key);
  if (had) await deleteMemory(store.db, pairId, namespace, [key]);
  return had;
}
