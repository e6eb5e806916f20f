import type { AsperionClient } from '../../connectors/asperion/asperion-client.js';
import type { Debtor, DebtorInput } from '../../connectors/asperion/resource-types.js';
import { KoppelError } from '../../core/errors.js';
import { joinStreet } from '../../mapping/transforms/join-street.js';
import type { OrderCustomerFields } from './order-payload.js';
import type { OrdersSettings } from './settings.js';
import { describeCustomer } from './build-order.js';
import { SingleFlight } from './single-flight.js';
import { isEuCountry } from './tax-rules.js';

/**
 * Finds the debtor of an order by the configured match key and creates or updates it; with a default
 * debtor, every order goes on that one. Look-ups for the same key run one at a time, so two orders
 * of a new customer in one batch create one debtor.
 */
export class DebtorResolver {
  private readonly flight = new SingleFlight<string>();
  private defaultChecked: Promise<string> | undefined;

  constructor(
    private readonly client: AsperionClient,
    private readonly settings: OrdersSettings['debtor'],
  ) {}

  /** The customer number to post the order on. */
  async resolve(
    customer: OrderCustomerFields | undefined,
    label: string,
  ): Promise<{ customerNumber: string; id: number }> {
    if (this.settings.defaultCustomerNumber !== null)
      return this.defaultDebtor(this.settings.defaultCustomerNumber);
    if (!customer) throw missing('customer', label);
    const key = this.matchValue(customer, label);
    return this.flight.run(`${this.settings.matchBy}:${key.toLowerCase()}`, async () => {
      const input = debtorInput(customer, label, this.settings.matchBy === 'customerNumber');
      const found = await this.find(key);
      if (!found) {
        const created = await this.client.debtors.create(input);
        return { customerNumber: created.customerNumber, id: created.id };
      }
      // Asperion refuses invoices on a blocked debtor; say which debtor and why it was chosen.
      if (found.blocked)
        throw new KoppelError(
          `Debtor ${found.customerNumber} (${found.name}), found by ${this.settings.matchBy} "${key}", is blocked in Asperion`,
          { code: 'orders.debtor_blocked', kind: 'invalid' },
        );
      if (this.settings.update) {
        const changes = changedFields(found, input);
        if (Object.keys(changes).length > 0) await this.client.debtors.update(found.id, changes);
      }
      return { customerNumber: found.customerNumber, id: found.id };
    });
  }

  private matchValue(customer: OrderCustomerFields, label: string): string {
    const { matchBy } = this.settings;
    const value =
      matchBy === 'email'
        ? customer.email
        : matchBy === 'customerNumber'
          ? customer.number
          : (customer.company ?? customer.name);
    if (!value?.trim()) {
      // No fallback to another key: a debtor found by another key may be someone else's.
      const what = { email: 'no e-mail address', customerNumber: 'no account code', name: 'no name' }[
        matchBy
      ];
      throw new KoppelError(
        `${label}: ${describeCustomer(customer)} has ${what}, which debtors are matched on (settings.debtor.matchBy = ${matchBy}): fill it in on the account in Exact, or post such orders on a default debtor`,
        { code: 'orders.no_debtor_match_key', kind: 'invalid' },
      );
    }
    return value.trim();
  }

  private async find(key: string): Promise<Debtor | null> {
    if (this.settings.matchBy === 'email') return this.client.find.debtorByEmail(key);
    if (this.settings.matchBy === 'customerNumber') return this.client.find.debtorByCustomerNumber(key);
    const rows = (await this.client.debtors.list({ Name: key, Name_comparison: 'Equals' }, 100)).filter(
      (d) => d.name.trim().toLowerCase() === key.toLowerCase(),
    );
    if (rows.length > 1)
      throw new KoppelError(
        `Found ${rows.length} debtors named "${key}" (ids ${rows.map((d) => d.id).join(', ')})`,
        {
          code: 'orders.ambiguous_debtor',
          kind: 'conflict',
        },
      );
    return rows[0] ?? null;
  }

  private defaultDebtor(customerNumber: string): Promise<{ customerNumber: string; id: number }> {
    this.defaultChecked ??= this.client.find.debtorByCustomerNumber(customerNumber).then((d) => {
      if (!d)
        throw new KoppelError(
          `The default debtor ${customerNumber} (settings.debtor.defaultCustomerNumber) does not exist in Asperion`,
          { code: 'orders.default_debtor_missing', kind: 'invalid' },
        );
      return String(d.id);
    });
    return this.defaultChecked.then((id) => ({ customerNumber, id: Number(id) }));
  }
}

/** A company gets the company name with the person as attention-to; a person is the debtor's name. */
export function debtorInput(customer: OrderCustomerFields, label: string, withNumber: boolean): DebtorInput {
  const address = customer.billing ?? {};
  const name = customer.company ?? customer.name;
  if (!name) throw missing('customer.name', label);
  const street = joinStreet(address.street ?? '', address.houseNumber ?? '', address.addition ?? '');
  if (!street) throw missing('customer.billing.street', label);
  if (!address.postcode) throw missing('customer.billing.postcode', label);
  if (!address.city) throw missing('customer.billing.city', label);
  if (!address.country) throw missing('customer.billing.country', label);
  return {
    ...(withNumber && customer.number ? { customerNumber: customer.number } : {}),
    name,
    address: street,
    postCode: address.postcode,
    city: address.city,
    countryCode: address.country,
    attentionTo: customer.company ? (customer.name ?? null) : null,
    emailAddress: customer.email ?? null,
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

/** Only what differs, so an unchanged debtor costs no write. */
function changedFields(found: Debtor, input: DebtorInput): Partial<DebtorInput> {
  const changes: Partial<DebtorInput> = {};
  for (const field of comparable) {
    const next = input[field] ?? null;
    if (next === null) continue;
    if ((found[field] ?? null) !== next) Object.assign(changes, { [field]: next });
  }
  return changes;
}

function missing(field: string, label: string): KoppelError {
  return new KoppelError(`${label} has no ${field}, which the debtor needs (check the mapping)`, {
    code: 'orders.debtor_incomplete',
    kind: 'invalid',
  });
}
