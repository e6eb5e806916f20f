/**
 * Where a person fixes what a dead letter's error says, decided from its code in this one place so
 * the API, the web app and the CLI send people to the same spot:
 * - mapping: the flow's mapping (a field's source or expression, a value map);
 * - setting: one of the flow's settings (`setting` names it);
 * - source: the record in the source system (an address, a country, a line);
 * - target: something in the target system (a blocked debtor, a code in use);
 * - connection: the connection to a system (signed out, no access);
 * - choice: a decision only a person can take (which debtor of several);
 * - replay: nothing to fix, the other side was away or busy: replay it (or let the retries do it);
 * - record: unknown to this table: the record's timeline says what was sent and answered.
 */
export const fixPlaces = [
  'mapping',
  'setting',
  'source',
  'target',
  'connection',
  'choice',
  'replay',
  'record',
] as const;
export type FixPlace = (typeof fixPlaces)[number];

export interface DebtorCandidates {
  /** The Exact account (its ID, else its code) the choice is for. */
  account: string;
  accountCode: string | null;
  debtors: Array<{ customerNumber: string; name: string }>;
}

export interface DeadLetterFix {
  where: FixPlace;
  /** The setting to change (dotted path in the flow's settings), for `setting`. */
  setting?: string;
  /** The value map the error names, for `mapping`. */
  valueMap?: string;
  /** The debtors to choose from, for an ambiguous debtor. */
  candidates?: DebtorCandidates;
  /** What to do, in one sentence. */
  hint: string;
}

const hints: Record<FixPlace, string> = {
  mapping: 'Correct the flow’s mapping, then replay with the current mapping.',
  setting: 'Change the flow’s setting, then replay.',
  source: 'Correct the document in the source system, then replay with the current mapping.',
  target: 'Correct it in the target system, then replay.',
  connection: 'Reconnect or check the connection’s access, then replay.',
  choice: 'Choose which one is meant, then replay.',
  replay: 'The other system was unavailable or busy: replay it, or let the automatic retries do so.',
  record: 'Open the record to see what was sent and what came back.',
};

/** Codes whose fix is not the one their area suggests. */
const byCode: Record<string, { where: FixPlace; setting?: string; hint?: string }> = {
  'orders.ambiguous_debtor': {
    where: 'choice',
    hint: 'Choose the Asperion debtor this Exact account’s orders go on, then replay.',
  },
  'orders.chosen_debtor_missing': {
    where: 'target',
    hint: 'The chosen debtor no longer exists in Asperion: create it there or choose another, then replay.',
  },
  'orders.unknown_article': {
    where: 'setting',
    setting: 'articles.create',
    hint: 'Create the article in Asperion, or let the flow create articles, then replay.',
  },
  'orders.default_debtor_missing': { where: 'setting', setting: 'debtor.defaultCustomerNumber' },
  'orders.foreign_currency': { where: 'setting', setting: 'foreignCurrency' },
  'orders.oss_vat_code_missing': {
    where: 'setting',
    setting: 'oss.vatPayableAccountId',
    hint: 'Add the sales VAT code in Asperion, or book this VAT on an OSS VAT-payable account in the flow’s settings, then replay.',
  },
  'orders.no_ledger_account': { where: 'setting', setting: 'revenueAccountByVatCode' },
  'orders.vat_account_missing': { where: 'setting' },
  'orders.unknown_vat_code': { where: 'mapping' },
  'orders.price_not_in_cents': { where: 'target' },
  'orders.debtor_incomplete': { where: 'mapping' },
  'orders.sent_order_changed': { where: 'target' },
  'orders.debtor_blocked': { where: 'target' },
  'products.code_taken': { where: 'target' },
  'products.blocked': { where: 'target' },
  'products.no_vat_rate': { where: 'target' },
  'stock.no_article': { where: 'target' },
  'customers.match_taken': { where: 'target' },
  'customers.account_gone': { where: 'target' },
  'exact.ambiguous_match': { where: 'target' },
  'asperion.ambiguous': { where: 'target' },
  'flow.invalid_settings': { where: 'setting' },
  'exact.no_division': { where: 'connection' },
};

/** Areas whose errors are all fixed in one place. */
const byArea: Record<string, FixPlace> = {
  mapping: 'mapping',
  orders: 'source',
  products: 'source',
  stock: 'source',
  customers: 'source',
  oauth: 'connection',
  connection: 'connection',
};

/** Kinds that say where, whatever the code. */
const byKind: Record<string, FixPlace> = {
  auth: 'connection',
  forbidden: 'connection',
  rate_limited: 'replay',
  transient: 'replay',
};

/** Where to fix a dead letter's error and how, from its code (then its kind), with what it names. */
export function fixFor(error: { code: string; kind: string; details?: unknown }): DeadLetterFix {
  const known = byCode[error.code];
  const where =
    known?.where ?? byKind[error.kind] ?? byArea[error.code.split('.')[0] ?? ''] ?? targetRefusal(error);
  const fix: DeadLetterFix = { where, hint: known?.hint ?? hints[where] };
  if (known?.setting) fix.setting = known.setting;
  const details = (error.details ?? {}) as Record<string, unknown>;
  if (where === 'mapping' && typeof details.valueMap === 'string') {
    fix.valueMap = details.valueMap;
    fix.hint = `Add the missing value to the value map “${details.valueMap}” of the flow’s mapping, then replay with the current mapping.`;
  }
  if (error.code === 'orders.ambiguous_debtor') {
    const candidates = debtorCandidates(details);
    if (candidates) fix.candidates = candidates;
  }
  return fix;
}

/** A refusal by a system of what was sent (a 400 or 422 naming fields) is fixed in the mapping. */
function targetRefusal(error: { code: string; kind: string }): FixPlace {
  return error.kind === 'invalid' && /^(exact|asperion)\./.test(error.code) ? 'mapping' : 'record';
}

function debtorCandidates(details: Record<string, unknown>): DebtorCandidates | undefined {
  const account = details.account ?? details.accountCode;
  if (typeof account !== 'string' || !Array.isArray(details.candidates)) return undefined;
  const debtors = (details.candidates as unknown[]).flatMap((c) => {
    const { customerNumber, name } = (c ?? {}) as Record<string, unknown>;
    return typeof customerNumber === 'string' || typeof customerNumber === 'number'
      ? [{ customerNumber: String(customerNumber), name: typeof name === 'string' ? name : '' }]
      : [];
  });
  return {
    account,
    accountCode: typeof details.accountCode === 'string' ? details.accountCode : null,
    debtors,
  };
}
