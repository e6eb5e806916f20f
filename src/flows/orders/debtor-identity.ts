import type { Debtor } from '../../connectors/asperion/resource-types.js';
import { KoppelError } from '../../core/errors.js';
import type { DebtorUser } from './debtor-resolver.js';
import type { OrderCustomerFields } from './order-payload.js';

/*
 * When an Asperion debtor and an Exact account are the same customer: names and VAT numbers
 * compared the way people and Asperion write them, and the sentences that say why not.
 */

/** How a person names the account in `koppel debtors choose`: its code, else its ID. */
export function accountRef(customer: OrderCustomerFields): string {
  return customer.number?.trim() || customer.id || '<Exact account>';
}

/** Names compare without case, punctuation and extra spaces: "Jansen B.V." is "jansen bv". */
export function nameKey(name: string | null | undefined): string {
  return (name ?? '')
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[.,'"`’‘“”]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** VAT numbers compare as Asperion keeps them: without spaces or dots, in capitals; null when none. */
export function vatKey(vat: string | null | undefined): string | null {
  const compact = (vat ?? '').replace(/[\s.]/g, '').toUpperCase();
  return compact === '' ? null : compact;
}

export function postcodeKey(postcode: string | null | undefined): string {
  return (postcode ?? '').replace(/\s+/g, '').toUpperCase();
}

/** The same company or person: the same name, and no two different VAT numbers. */
export function agrees(debtor: Pick<Debtor, 'name' | 'vatNumber'>, identity: DebtorUser): boolean {
  if (nameKey(debtor.name) !== nameKey(identity.name)) return false;
  const theirs = vatKey(debtor.vatNumber);
  return theirs === null || identity.vatNumber === null || theirs === identity.vatNumber;
}

export function sameIdentity(a: DebtorUser, b: DebtorUser): boolean {
  return agrees({ name: a.name, vatNumber: a.vatNumber }, b);
}

export function disagreement(debtor: Pick<Debtor, 'name' | 'vatNumber'>, identity: DebtorUser): string {
  return nameKey(debtor.name) !== nameKey(identity.name)
    ? `the account's name is "${identity.name}"`
    : "its VAT number is not the account's";
}

export function notUpdated(customerNumber: string, others: readonly DebtorUser[]): string {
  return `${customerNumber} not brought up to date: ${others.map((u) => u.label).join(', ')} post${others.length === 1 ? 's' : ''} on it too, and one account's details must not overwrite another's`;
}

// Asperion refuses invoices on a blocked debtor; say which debtor and why it was chosen.
export function checkNotBlocked(
  debtor: Pick<Debtor, 'customerNumber' | 'name' | 'blocked'>,
  why: string,
): void {
  if (debtor.blocked)
    throw new KoppelError(
      `Debtor ${debtor.customerNumber} (${debtor.name}), ${why}, is blocked in Asperion`,
      {
        code: 'orders.debtor_blocked',
        kind: 'invalid',
      },
    );
}

export function isNotFound(e: unknown): boolean {
  return e instanceof KoppelError && e.kind === 'not_found';
}
