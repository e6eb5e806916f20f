import type { AsperionClient } from '../../connectors/asperion/asperion-client.js';
import type { Debtor, DebtorInput } from '../../connectors/asperion/resource-types.js';
import { KoppelError } from '../../core/errors.js';
import { joinStreet } from '../../mapping/transforms/join-street.js';
import type { OrderCustomerFields } from './order-payload.js';
import type { OrdersSettings } from './settings.js';
import { describeCustomer } from './build-order.js';
import { SingleFlight } from './single-flight.js';
import type { RememberedNamespace } from './remembered.js';
import { contentHash } from '../../core/json.js';
import type { PairLinks } from '../../engine/types.js';
import { isEuCountry } from './tax-rules.js';

/** What the pair remembers of the debtor an Exact account (or a match key) became. */
export interface RememberedDebtor {
  id: number;
  customerNumber: string;
  /**
   * Hash of the debtor fields last written or found equal; null when they were not brought up to
   * date (settings.debtor.update off), so turning updates on later updates it once.
   */
  hash: string | null;
}

export interface ResolvedDebtor {
  customerNumber: string;
  id: number;
}

/**
 * Finds the debtor of an order and creates or updates it; with a default debtor, every order goes on
 * that one. What it knows is reused across runs (the pair memory, by Exact account): a known
 * customer costs no call while its data is unchanged, and one update when it changed. A customer
 * the customers flow linked to an Exact account is read by its id, not searched for. Only then is
 * the debtor looked up by the configured match key, as the first time. Look-ups for the same key
 * run one at a time, so two orders of a new customer in one batch create one debtor.
 */
export class DebtorResolver {
  /** Per memory key (the Exact account): one resolution per run. */
  private readonly flight = new SingleFlight<string>();
  /** Per match key: two accounts with the same e-mail create one debtor, as before. */
  private readonly lookups = new SingleFlight<string>();
  private defaultChecked: Promise<ResolvedDebtor> | undefined;

  constructor(
    private readonly client: AsperionClient,
    private readonly settings: OrdersSettings['debtor'],
    private readonly memory: RememberedNamespace<RememberedDebtor>,
    private readonly links: PairLinks,
  ) {}

  /**
   * The debtor to post the order on. `fresh`: what was remembered or linked turned out stale
   * (Asperion refused it on the order): forget it and look the debtor up as the first time.
   */
  async resolve(
    customer: OrderCustomerFields | undefined,
    label: string,
    options: { fresh?: boolean } = {},
  ): Promise<ResolvedDebtor> {
    if (this.settings.defaultCustomerNumber !== null)
      return this.defaultDebtor(this.settings.defaultCustomerNumber, options.fresh ?? false);
    if (!customer) throw missing('customer', label);
    const key = this.matchValue(customer, label);
    const input = debtorInput(customer, label, this.settings.matchBy === 'customerNumber');
    const written = writtenFields(input);
    const hash = contentHash(written);
    // With the match key in it: changing `debtor.matchBy` is a reason to match every customer anew.
    const memoryKey = `${this.settings.matchBy}:${customer.id ? `account ${customer.id}` : key.toLowerCase()}`;
    if (options.fresh) {
      this.flight.forget(memoryKey);
      this.lookups.forget(`${this.settings.matchBy}:${key.toLowerCase()}`);
      await this.memory.delete(memoryKey);
    }
    return this.flight.run(memoryKey, async () => {
      const known = options.fresh ? undefined : await this.known(memoryKey, customer.id, input, hash);
      if (known) return known;
      const found = await this.lookups.run(`${this.settings.matchBy}:${key.toLowerCase()}`, () =>
        this.lookUp(key, input),
      );
      await this.memory.set(memoryKey, { ...found, hash: this.settings.update ? hash : null });
      return found;
    });
  }

  /** The remembered debtor, else the one the customers flow linked to the Exact account; null: neither (any more). */
  private async known(
    memoryKey: string,
    accountId: string | undefined,
    input: DebtorInput,
    hash: string,
  ): Promise<ResolvedDebtor | undefined> {
    const remembered = (await this.memory.get(memoryKey))?.value;
    if (remembered) {
      if (!this.settings.update || remembered.hash === hash)
        return { customerNumber: remembered.customerNumber, id: remembered.id };
      try {
        // What Asperion has now is unknown without a read; sending every field costs one call either way.
        await this.client.debtors.update(remembered.id, writtenFields(input));
      } catch (e) {
        if (!isNotFound(e)) throw e;
        // Deleted in Asperion since: forget it and find or create it again.
        await this.memory.delete(memoryKey);
        return undefined;
      }
      await this.memory.set(memoryKey, { ...remembered, hash });
      return { customerNumber: remembered.customerNumber, id: remembered.id };
    }
    if (!accountId) return undefined;
    const linked = (await this.links.sourcesOf('customers', [accountId])).get(accountId);
    if (linked === undefined) return undefined;
    let debtor: Debtor;
    try {
      debtor = await this.client.debtors.get(linked);
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
    checkNotBlocked(debtor, `linked to Exact account ${accountId} by the customers flow`);
    if (this.settings.update) {
      const changes = changedFields(debtor, input);
      if (Object.keys(changes).length > 0) await this.client.debtors.update(debtor.id, changes);
    }
    const found = { customerNumber: debtor.customerNumber, id: debtor.id };
    await this.memory.set(memoryKey, { ...found, hash: this.settings.update ? hash : null });
    return found;
  }

  /** Today's look-up by the match key: found (and brought up to date) or created. */
  private async lookUp(key: string, input: DebtorInput): Promise<ResolvedDebtor> {
    const found = await this.find(key);
    if (!found) {
      const created = await this.client.debtors.create(input);
      return { customerNumber: created.customerNumber, id: created.id };
    }
    checkNotBlocked(found, `found by ${this.settings.matchBy} "${key}"`);
    if (this.settings.update) {
      const changes = changedFields(found, input);
      if (Object.keys(changes).length > 0) await this.client.debtors.update(found.id, changes);
    }
    return { customerNumber: found.customerNumber, id: found.id };
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

  /** The default debtor is checked once, then remembered by its number until Asperion refuses it. */
  private defaultDebtor(customerNumber: string, fresh: boolean): Promise<ResolvedDebtor> {
    const memoryKey = `default:${customerNumber}`;
    if (fresh) this.defaultChecked = undefined;
    this.defaultChecked ??= (async () => {
      if (fresh) await this.memory.delete(memoryKey);
      else {
        const remembered = (await this.memory.get(memoryKey))?.value;
        if (remembered) return { customerNumber, id: remembered.id };
      }
      const d = await this.client.find.debtorByCustomerNumber(customerNumber);
      if (!d)
        throw new KoppelError(
          `The default debtor ${customerNumber} (settings.debtor.defaultCustomerNumber) does not exist in Asperion`,
          { code: 'orders.default_debtor_missing', kind: 'invalid' },
        );
      await this.memory.set(memoryKey, { id: d.id, customerNumber, hash: null });
      return { customerNumber, id: d.id };
    })();
    // A failed check is not kept: the next order tries again.
    this.defaultChecked.catch(() => (this.defaultChecked = undefined));
    return this.defaultChecked;
  }
}

// Asperion refuses invoices on a blocked debtor; say which debtor and why it was chosen.
function checkNotBlocked(debtor: Debtor, why: string): void {
  if (debtor.blocked)
    throw new KoppelError(
      `Debtor ${debtor.customerNumber} (${debtor.name}), ${why}, is blocked in Asperion`,
      {
        code: 'orders.debtor_blocked',
        kind: 'invalid',
      },
    );
}

function isNotFound(e: unknown): boolean {
  return e instanceof KoppelError && e.kind === 'not_found';
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

/** The fields an update writes (the comparable ones that have a value), whose hash says whether it changed. */
function writtenFields(input: DebtorInput): Partial<DebtorInput> {
  const out: Partial<DebtorInput> = {};
  for (const field of comparable) {
    const value = input[field] ?? null;
    if (value !== null) Object.assign(out, { [field]: value });
  }
  return out;
}

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
