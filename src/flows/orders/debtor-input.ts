import type { Debtor, DebtorInput } from '../../connectors/asperion/resource-types.js';
import { emailAddressProblem } from '../../core/email-address.js';
import { KoppelError } from '../../core/errors.js';
import { joinStreet } from '../../mapping/transforms/join-street.js';
import { describeCustomer } from './build-order.js';
import type { OrderCustomerFields } from './order-payload.js';
import { matchKeyOf, type OrdersSettings } from './settings.js';
import { isEuCountry } from './tax-rules.js';

/**
 * A company gets the company name with the person as attention-to and the company debtor kind; a
 * person is the debtor's name, with the person debtor kind. The account code goes into the field
 * debtors are matched on by it. An e-mail address that is not one fails the order here, before
 * Asperion (which may take it) or a look-up by it.
 */
export function debtorInput(
  customer: OrderCustomerFields,
  label: string,
  settings: Pick<OrdersSettings['debtor'], 'matchBy' | 'accountCodeField' | 'kinds'>,
): DebtorInput {
  const address = customer.billing ?? {};
  const name = (customer.company ?? customer.name)?.trim();
  if (!name) throw missing('customer.name', label);
  const email = customer.email?.trim() || null;
  const emailProblem = email === null ? null : emailAddressProblem(email);
  if (emailProblem !== null)
    throw new KoppelError(
      `${label}: the e-mail address of ${describeCustomer(customer)} ${emailProblem}; correct it on the account in Exact, then replay this order`,
      { code: 'orders.bad_email', kind: 'invalid' },
    );
  const code = customer.number?.trim();
  const kind = customer.company ? settings.kinds.company : settings.kinds.person;
  const street = joinStreet(address.street ?? '', address.houseNumber ?? '', address.addition ?? '');
  if (!street) throw missing('customer.billing.street', label);
  if (!address.postcode) throw missing('customer.billing.postcode', label);
  if (!address.city) throw missing('customer.billing.city', label);
  if (!address.country) throw missing('customer.billing.country', label);
  return {
    ...(matchKeyOf(settings.matchBy) === 'accountCode' && code ? { [settings.accountCodeField]: code } : {}),
    ...(kind === null ? {} : { debtorKindId: kind }),
    name,
    address: street,
    postCode: address.postcode,
    city: address.city,
    countryCode: address.country,
    attentionTo: customer.company ? (customer.name ?? null) : null,
    emailAddress: email,
    phoneNumber: customer.phone ?? null,
    // Asperion's vatNumber is the EU VAT identification number: a customer outside the EU has
    // none (a Swiss `CHE-….MWST`, a GB or US tax number is no EU VAT number), so it is left out.
    vatNumber: isEuCountry(address.country) ? (customer.vatNumber ?? null) : null,
    ...(customer.paymentConditionId === undefined ? {} : { paymentConditionId: customer.paymentConditionId }),
    ...(customer.paymentMethodId === undefined ? {} : { paymentMethodId: customer.paymentMethodId }),
  };
}

const comparable = [
  'name',
  'address',
  'postCode',
  'city',
  'countryCode',
  'attentionTo',
  'emailAddress',
  'phoneNumber',
  'vatNumber',
] as const;

/** The fields an update writes (the comparable ones that have a value), whose hash says whether it changed. */
export function writtenFields(input: DebtorInput): Partial<DebtorInput> {
  const out: Partial<DebtorInput> = {};
  for (const field of comparable) {
    const value = input[field] ?? null;
    if (value !== null) Object.assign(out, { [field]: value });
  }
  return out;
}

/** Only what differs, so an unchanged debtor costs no write. */
export function changedFields(found: Partial<Debtor>, input: DebtorInput): Partial<DebtorInput> {
  const changes: Partial<DebtorInput> = {};
  for (const field of comparable) {
    const next = input[field] ?? null;
    if (next === null) continue;
    if ((found[field] ?? null) !== next) Object.assign(changes, { [field]: next });
  }
  return changes;
}

export function missing(field: string, label: string): KoppelError {
  return new KoppelError(`${label} has no ${field}, which the debtor needs (check the mapping)`, {
    code: 'orders.debtor_incomplete',
    kind: 'invalid',
  });
}
