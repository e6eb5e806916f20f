import type { AsperionClient } from '../../connectors/asperion/asperion-client.js';
import type { Debtor, DebtorInput } from '../../connectors/asperion/resource-types.js';
import { KoppelError } from '../../core/errors.js';
import { contentHash } from '../../core/json.js';
import type { PairLinks } from '../../engine/types.js';
import { describeCustomer } from './build-order.js';
import {
  accountRef,
  agrees,
  checkNotBlocked,
  disagreement,
  isNotFound,
  nameKey,
  notUpdated,
  postcodeKey,
  sameIdentity,
  vatKey,
} from './debtor-identity.js';
import { changedFields, debtorInput, missing, writtenFields } from './debtor-input.js';
import { debtorChoiceKey, type DebtorChoice } from './debtor-choices.js';
import type { OrderCustomerFields } from './order-payload.js';
import type { RememberedNamespace } from './remembered.js';
import { matchKeyOf, type DebtorMatchKey, type OrdersSettings } from './settings.js';
import { SingleFlight } from './single-flight.js';

type Note = (step: string, detail: string) => void;

/** How the debtor of an account was decided, kept with it for the record's timeline. */
export type DebtorVia = 'found' | 'created' | 'linked' | 'chosen';

/** What the pair remembers of the debtor an Exact account (or a match key) became. */
export interface RememberedDebtor {
  id: number;
  customerNumber: string;
  /**
   * Hash of the debtor fields last written or found equal; null when they were not brought up to
   * date (settings.debtor.update off), so turning updates on later updates it once.
   */
  hash: string | null;
  /** Absent in what earlier versions remembered. */
  via?: DebtorVia;
}

/** One Exact account that posts on a debtor, as it was when it did: who else uses a debtor. */
export interface DebtorUser {
  /** The Exact account ID (or, without one in the mapping, the match key). */
  account: string;
  /** Code and name, for messages. */
  label: string;
  name: string;
  vatNumber: string | null;
}

export interface ResolvedDebtor {
  customerNumber: string;
  id: number;
}

/** The memory the resolver keeps, per Asperion administration. */
export interface DebtorMemory {
  /** By Exact account (or match key): the debtor it became. */
  debtors: RememberedNamespace<RememberedDebtor>;
  /** By debtor id: the Exact accounts that post on it. */
  users: RememberedNamespace<DebtorUser[]>;
  /** By Exact account ID or code (`debtorChoiceKey`): a person's choice. */
  choices: RememberedNamespace<DebtorChoice>;
}

interface MatchValue {
  /** As the customer has it, for the timeline. */
  text: string;
  /** Compared: case, spaces and punctuation as the key ignores them. */
  key: string;
}

/** What a look-up by match key gave: the debtors with that key, or the one it created. */
interface Candidates {
  debtors: Array<Pick<Debtor, 'id' | 'customerNumber' | 'name' | 'vatNumber' | 'blocked'>>;
  /** The account the debtor was created for, when there was none. */
  createdFor?: string;
}

const keyLabels: Record<DebtorMatchKey, string> = {
  email: 'e-mail',
  accountCode: 'account code',
  vatNumber: 'VAT number',
  namePostcode: 'name and postcode',
};

/**
 * Finds the debtor of an order and creates or updates it; with a default debtor, every order goes
 * on that one. In this order: the debtor a person chose for the Exact account; the one an earlier
 * order of the account used (the pair memory: a known customer costs no call while its data is
 * unchanged, one update when it changed); the one the customers flow linked to the account (read by
 * its id, not searched for); only then a look-up by the configured match key, as the first time.
 *
 * A debtor the look-up finds is taken only when it is this customer: its name (and VAT number, when
 * both have one) must be the account's, and no other Exact account of another name may post on it.
 * Anything else fails the order as ambiguous until a person chooses, since posting one company's
 * invoice on another's debtor is worse than waiting. A debtor that other Exact accounts also post on
 * is never updated from one of them. Look-ups for the same key run one at a time, so two orders of a
 * new customer in one batch create one debtor, and a second account with that key is then compared
 * with it like any found debtor.
 */
export class DebtorResolver {
  /** Per memory key (the Exact account): one resolution per run. */
  private readonly flight = new SingleFlight<string>();
  /** Per match key value: one look-up (or create) per run. */
  private readonly lookups = new SingleFlight<string>();
  /** Per debtor id: its users are read and written one account at a time. */
  private readonly userLocks = new Map<number, Promise<unknown>>();
  private readonly matchBy: DebtorMatchKey;
  private defaultChecked: Promise<ResolvedDebtor> | undefined;

  constructor(
    private readonly client: AsperionClient,
    private readonly settings: OrdersSettings['debtor'],
    private readonly memory: DebtorMemory,
    private readonly links: PairLinks,
    /** Named in the ambiguity message's command. */
    private readonly flowId: string,
    /** A dry run: look up, never create or update; a debtor to be made gets a placeholder number. */
    private readonly dryRun = false,
  ) {
    this.matchBy = matchKeyOf(settings.matchBy);
  }

  /**
   * The debtor to post the order on; `note` tells the record's timeline which one and why.
   * `fresh`: what was remembered or linked turned out stale (Asperion refused it on the order):
   * forget it and look the debtor up as the first time.
   */
  async resolve(
    customer: OrderCustomerFields | undefined,
    label: string,
    options: { fresh?: boolean; note?: Note } = {},
  ): Promise<ResolvedDebtor> {
    const note = options.note ?? (() => {});
    if (this.settings.defaultCustomerNumber !== null) {
      const d = await this.defaultDebtor(this.settings.defaultCustomerNumber, options.fresh ?? false);
      note('debtor', `${d.customerNumber}: the default debtor (settings.debtor.defaultCustomerNumber)`);
      return d;
    }
    if (!customer) throw missing('customer', label);
    const input = debtorInput(customer, label, this.settings);
    const match = this.matchValue(customer, input, label);
    const identity: DebtorUser = {
      account: customer.id ?? `${this.matchBy}:${match.key}`,
      label: describeCustomer(customer),
      name: input.name,
      vatNumber: vatKey(input.vatNumber),
    };
    const hash = contentHash(writtenFields(input));
    // With the match key in it: changing `debtor.matchBy` is a reason to match every customer anew.
    const memoryKey = `${this.matchBy}:${customer.id ? `account ${customer.id}` : match.key}`;
    const lookupKey = `${this.matchBy}:${match.key}`;
    if (options.fresh) {
      this.flight.forget(memoryKey);
      this.lookups.forget(lookupKey);
      await this.memory.debtors.delete(memoryKey);
    }
    const decided = await this.flight.run(memoryKey, async () => {
      const step = { customer, label, input, hash, identity, memoryKey, note };
      const chosen = await this.chosen(step);
      if (chosen) return chosen;
      const known = options.fresh ? undefined : await this.known(step);
      if (known) return known;
      const candidates = await this.lookups.run(lookupKey, () => this.findOrCreate(match, input, identity));
      return this.pick(step, match, candidates);
    });
    note('debtor', `${decided.debtor.customerNumber}: ${decided.why}`);
    return decided.debtor;
  }

  /** The debtor a person chose for this account (by its ID or its code), if any. */
  private async chosen(step: Step): Promise<Decided | undefined> {
    const { customer, label } = step;
    const keys = [customer.id, customer.number].filter((k): k is string => !!k?.trim()).map(debtorChoiceKey);
    let choice: DebtorChoice | undefined;
    for (const key of keys) choice ??= (await this.memory.choices.get(key))?.value;
    if (!choice) return undefined;
    // Who chose is in the choice and the audit log; the timeline says when, not who (personal data).
    const why = `chosen by a person on ${choice.chosenAt.slice(0, 10)} (debtor choices)`;
    const remembered = (await this.memory.debtors.get(step.memoryKey))?.value;
    if (remembered?.via === 'chosen' && remembered.customerNumber === choice.debtor)
      return this.keepRemembered(step, remembered, why);
    const debtor = await this.client.find.debtorByCustomerNumber(choice.debtor);
    if (!debtor)
      throw new KoppelError(
        `${label}: the debtor chosen for ${describeCustomer(customer)}, customer number ${choice.debtor}, does not exist in Asperion: choose another one (koppel debtors choose ${this.flowId} --account ${accountRef(customer)} --debtor <customer number>), then replay this order`,
        { code: 'orders.chosen_debtor_missing', kind: 'invalid' },
      );
    checkNotBlocked(debtor, `chosen for ${describeCustomer(customer)}`);
    return this.settle(step, debtor, 'chosen', why);
  }

  /** The remembered debtor, else the one the customers flow linked to the Exact account; undefined: neither (any more). */
  private async known(step: Step): Promise<Decided | undefined> {
    const remembered = (await this.memory.debtors.get(step.memoryKey))?.value;
    // A choice since forgotten no longer holds: the account's debtor is found as if never chosen.
    if (remembered && remembered.via !== 'chosen') {
      const why =
        remembered.via === 'linked'
          ? 'linked to the Exact account by the customers flow (remembered)'
          : 'remembered from an earlier order of this customer';
      return this.keepRemembered(step, remembered, why);
    }
    const accountId = step.customer.id;
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
    return this.settle(step, debtor, 'linked', 'linked to the Exact account by the customers flow');
  }

  /** A remembered debtor, brought up to date (one call, no read) when what would be written changed. */
  private async keepRemembered(
    step: Step,
    remembered: RememberedDebtor,
    why: string,
  ): Promise<Decided | undefined> {
    const debtor = { customerNumber: remembered.customerNumber, id: remembered.id };
    if (this.dryRun) return { debtor, why };
    // Also for what was remembered before debtors knew their users: a pair memory read, no call.
    await this.addUser(remembered.id, step.identity);
    if (!this.settings.update || remembered.hash === step.hash) return { debtor, why };
    const others = await this.otherUsers(remembered.id, step.identity);
    if (others.length > 0) {
      step.note('debtor-not-updated', notUpdated(remembered.customerNumber, others));
    } else {
      try {
        // What Asperion has now is unknown without a read; sending every field costs one call either way.
        await this.client.debtors.update(remembered.id, writtenFields(step.input));
      } catch (e) {
        if (!isNotFound(e)) throw e;
        // Deleted in Asperion since: forget it and find or create it again.
        await this.memory.debtors.delete(step.memoryKey);
        return undefined;
      }
    }
    await this.memory.debtors.set(step.memoryKey, { ...remembered, hash: step.hash });
    return { debtor, why };
  }

  /** The debtors the match key finds; none: one created for this customer (placeholder in a dry run). */
  private async findOrCreate(
    match: MatchValue,
    input: DebtorInput,
    identity: DebtorUser,
  ): Promise<Candidates> {
    const found = await this.find(match, input);
    if (found.length > 0) return { debtors: found };
    if (this.dryRun)
      return {
        debtors: [
          {
            id: 0,
            customerNumber: `(would create debtor ${match.text})`,
            name: input.name,
            vatNumber: input.vatNumber ?? null,
            blocked: false,
          },
        ],
        createdFor: identity.account,
      };
    return { debtors: [await this.client.debtors.create(input)], createdFor: identity.account };
  }

  /** The one candidate that is this customer, or the order fails as ambiguous. */
  private async pick(step: Step, match: MatchValue, candidates: Candidates): Promise<Decided> {
    const { identity } = step;
    const created = candidates.createdFor === identity.account;
    const by = `${keyLabels[this.matchBy]} "${match.text}"`;
    const agreeing = candidates.debtors.filter((d) => agrees(d, identity));
    if (agreeing.length !== 1)
      throw this.ambiguous(
        step,
        candidates.debtors,
        agreeing.length === 0
          ? candidates.debtors.length === 1
            ? `is not this customer (${disagreement(candidates.debtors[0]!, identity)})`
            : 'are none of them this customer (another name or VAT number)'
          : 'are all this customer (same name), so which one is meant cannot be told',
      );
    const debtor = agreeing[0]!;
    if (debtor.id !== 0) {
      const others = (await this.otherUsers(debtor.id, identity)).filter((u) => !sameIdentity(u, identity));
      if (others.length > 0)
        throw this.ambiguous(
          step,
          [debtor],
          `is already the debtor of ${others.map((u) => u.label).join(', ')}`,
        );
    }
    checkNotBlocked(debtor, `found by ${by}`);
    if (created) return this.settle(step, debtor, 'created', `created, since no debtor had ${by}`, true);
    return this.settle(step, debtor, 'found', `found by ${by}`);
  }

  /**
   * Take `debtor` for the account: register the account as one of its users, bring it up to date
   * (unless another account posts on it too, or it was just made from this input) and remember it.
   */
  private async settle(
    step: Step,
    debtor: Pick<Debtor, 'id' | 'customerNumber'> & Partial<Debtor>,
    via: DebtorVia,
    why: string,
    fresh = false,
  ): Promise<Decided> {
    const resolved = { customerNumber: debtor.customerNumber, id: debtor.id };
    if (this.dryRun) return { debtor: resolved, why };
    await this.addUser(debtor.id, step.identity);
    if (this.settings.update && !fresh) {
      const changes = changedFields(debtor, step.input);
      if (Object.keys(changes).length > 0) {
        const others = await this.otherUsers(debtor.id, step.identity);
        if (others.length > 0) step.note('debtor-not-updated', notUpdated(debtor.customerNumber, others));
        else await this.client.debtors.update(debtor.id, changes);
      }
    }
    await this.memory.debtors.set(step.memoryKey, {
      ...resolved,
      hash: this.settings.update ? step.hash : null,
      via,
    });
    return { debtor: resolved, why };
  }

  /** Add (or refresh) the account among the debtor's users, one account at a time per debtor. */
  private addUser(debtorId: number, user: DebtorUser): Promise<unknown> {
    const key = String(debtorId);
    const next = (this.userLocks.get(debtorId) ?? Promise.resolve())
      .catch(() => undefined)
      .then(async () => {
        const users = (await this.memory.users.get(key))?.value ?? [];
        const mine = users.find((u) => u.account === user.account);
        if (mine && sameIdentity(mine, user) && mine.label === user.label) return;
        await this.memory.users.set(key, [...users.filter((u) => u.account !== user.account), user]);
      });
    this.userLocks.set(debtorId, next);
    return next;
  }

  /**
   * The other Exact accounts that post on the debtor: remembered by the orders flow, or the one
   * the customers flow linked it to (whose identity is the debtor's own).
   */
  private async otherUsers(debtorId: number, me: DebtorUser): Promise<DebtorUser[]> {
    await this.userLocks.get(debtorId)?.catch(() => undefined);
    const users = (await this.memory.users.get(String(debtorId)))?.value ?? [];
    const others = users.filter((u) => u.account !== me.account);
    const linked = (await this.links.targetsOf('customers', [String(debtorId)])).get(String(debtorId));
    if (linked !== undefined && linked !== me.account && !others.some((u) => u.account === linked))
      others.push({
        account: linked,
        label: `Exact account ${linked} (customers flow)`,
        name: me.name,
        vatNumber: me.vatNumber,
      });
    return others;
  }

  private ambiguous(
    step: Step,
    debtors: ReadonlyArray<Pick<Debtor, 'customerNumber' | 'name'>>,
    reason: string,
  ): KoppelError {
    const { customer, label } = step;
    const named = debtors.map((d) => `${d.customerNumber} "${d.name}"`);
    const which = named.length === 1 ? `Asperion debtor ${named[0]}` : `Asperion debtors ${named.join(', ')}`;
    return new KoppelError(
      `${label}: ${describeCustomer(customer)} (Exact account ${customer.id ?? 'without ID'}) matches ${which} by ${keyLabels[this.matchBy]}, which ${reason}; choose its debtor with "koppel debtors choose ${this.flowId} --account ${accountRef(customer)} --debtor <customer number>" (or POST /api/flows/${this.flowId}/debtor-choices), then replay this order`,
      {
        code: 'orders.ambiguous_debtor',
        kind: 'conflict',
        details: {
          account: customer.id ?? null,
          accountCode: customer.number?.trim() ?? null,
          candidates: debtors.map((d) => ({ customerNumber: d.customerNumber, name: d.name })),
        },
      },
    );
  }

  private matchValue(customer: OrderCustomerFields, input: DebtorInput, label: string): MatchValue {
    const text = (v: string | null | undefined) => v?.trim() ?? '';
    const value = (() => {
      switch (this.matchBy) {
        case 'email':
          return { text: text(customer.email), key: text(customer.email).toLowerCase() };
        case 'accountCode':
          return { text: text(customer.number), key: text(customer.number) };
        case 'vatNumber':
          // The number a new debtor would get: outside the EU none, so none to find it by either.
          return { text: text(input.vatNumber), key: vatKey(input.vatNumber) ?? '' };
        case 'namePostcode':
          return {
            text: `${input.name}, ${input.postCode}`,
            key: `${nameKey(input.name)}|${postcodeKey(input.postCode)}`,
          };
      }
    })();
    if (value.key === '') {
      // No fallback to another key: a debtor found by another key may be someone else's.
      const what = {
        email: 'no e-mail address',
        accountCode: 'no account code',
        vatNumber: 'no EU VAT number',
        namePostcode: 'no name or postcode',
      }[this.matchBy];
      throw new KoppelError(
        `${label}: ${describeCustomer(customer)} has ${what}, which debtors are matched on (settings.debtor.matchBy = ${this.settings.matchBy}): fill it in on the account in Exact, or post such orders on a default debtor`,
        { code: 'orders.no_debtor_match_key', kind: 'invalid' },
      );
    }
    return value;
  }

  /**
   * The debtors with the match value. Asperion's filter narrows the list (UNCONFIRMED whether it
   * ignores case as the sandbox does); the value is then compared here as the key compares it.
   */
  private async find(match: MatchValue, input: DebtorInput): Promise<Debtor[]> {
    const list = (filter: Record<string, string>) => this.client.debtors.list(filter, 100);
    switch (this.matchBy) {
      case 'email':
        return this.client.find.debtorsByEmail(match.text);
      case 'accountCode': {
        const field = this.settings.accountCodeField;
        const param = field.charAt(0).toUpperCase() + field.slice(1);
        return (await list({ [param]: match.text, [`${param}_comparison`]: 'Equals' })).filter(
          (d) => (d[field] ?? '').trim() === match.key,
        );
      }
      case 'vatNumber':
        return (await list({ VatNumber: match.key, VatNumber_comparison: 'Equals' })).filter(
          (d) => vatKey(d.vatNumber) === match.key,
        );
      case 'namePostcode':
        return (await list({ Name: input.name, Name_comparison: 'Equals' })).filter(
          (d) =>
            nameKey(d.name) === nameKey(input.name) &&
            postcodeKey(d.postCode) === postcodeKey(input.postCode),
        );
    }
  }

  /** The default debtor is checked once, then remembered by its number until Asperion refuses it. */
  private defaultDebtor(customerNumber: string, fresh: boolean): Promise<ResolvedDebtor> {
    const memoryKey = `default:${customerNumber}`;
    if (fresh) this.defaultChecked = undefined;
    this.defaultChecked ??= (async () => {
      if (fresh) await this.memory.debtors.delete(memoryKey);
      else {
        const remembered = (await this.memory.debtors.get(memoryKey))?.value;
        if (remembered) return { customerNumber, id: remembered.id };
      }
      const d = await this.client.find.debtorByCustomerNumber(customerNumber);
      if (!d)
        throw new KoppelError(
          `The default debtor ${customerNumber} (settings.debtor.defaultCustomerNumber) does not exist in Asperion`,
          { code: 'orders.default_debtor_missing', kind: 'invalid' },
        );
      await this.memory.debtors.set(memoryKey, { id: d.id, customerNumber, hash: null });
      return { customerNumber, id: d.id };
    })();
    // A failed check is not kept: the next order tries again.
    this.defaultChecked.catch(() => (this.defaultChecked = undefined));
    return this.defaultChecked;
  }
}

interface Step {
  customer: OrderCustomerFields;
  label: string;
  input: DebtorInput;
  hash: string;
  identity: DebtorUser;
  memoryKey: string;
  note: Note;
}

interface Decided {
  debtor: ResolvedDebtor;
  why: string;
}
