import { msg } from '../http/messages.js';
import { isValidIban, normaliseIban } from '../domain/iban.js';
import type { CreateContext, FieldSpec, ResourceDescriptor, SandboxRecord } from './resource-descriptor.js';
import { anyPackage } from './resource-descriptor.js';
import { checkReference } from './check-reference.js';

const text = (name: string, extra: Partial<FieldSpec> = {}): FieldSpec => ({
  name,
  type: 'string',
  ...extra,
});

/** Customers (§2.3) with the create rules of §6.4. */
export const debtorsResource: ResourceDescriptor = {
  path: 'debtors',
  label: 'Debtor',
  packages: anyPackage,
  idType: 'int',
  fields: [
    { name: 'id', type: 'int', readOnly: true },
    text('customerNumber', { exact: true }),
    text('name', { required: true }),
    text('address', { required: true }),
    text('addressLine2'),
    text('addressLine3'),
    text('postCode', { required: true }),
    text('city', { required: true }),
    text('countryCode', { required: true, exact: true }),
    text('attentionTo'),
    text('phoneNumber'),
    text('faxNumber'),
    text('mobileNumber'),
    text('emailAddress'),
    text('iban'),
    text('bic'),
    text('bban'),
    { name: 'directDebit', type: 'bool' },
    text('cocNumber'),
    text('vatNumber'),
    text('debtorKindId', { exact: true }),
    { name: 'paymentConditionId', type: 'int' },
    text('paymentMethodId', { exact: true }),
    text('comments'),
    text('characteristic4'),
    text('characteristic5'),
    { name: 'dateAdded', type: 'datetime', readOnly: true },
    { name: 'dateLastChange', type: 'datetime', readOnly: true },
    { name: 'blocked', type: 'bool' },
    { name: 'noReminder', type: 'bool' },
  ],
  create: createDebtor,
  updatable: true,
};

function createDebtor(input: SandboxRecord, ctx: CreateContext): SandboxRecord {
  const { data, settings, errors, conflicts } = ctx;
  const record: SandboxRecord = { directDebit: false, blocked: false, noReminder: false, ...input };

  const number = input['customerNumber'];
  if (typeof number === 'string') {
    if (data.find('debtors', (d) => d['customerNumber'] === number && d !== ctx.existing)) {
      conflicts.add('CustomerNumber', msg('duplicate', { field: 'CustomerNumber', value: number }));
    }
  } else if (settings.autoCustomerNumber) {
    // Whether Asperion numbers debtors itself is UNCONFIRMED (§2.3); the sandbox takes max + 1.
    record['customerNumber'] = String(nextCustomerNumber(data.list('debtors')));
  } else {
    errors.add('CustomerNumber', msg('required', { field: 'CustomerNumber' }));
  }

  const country = input['countryCode'];
  if (typeof country === 'string') {
    if (/^[a-z]{2}$/i.test(country)) record['countryCode'] = country.toUpperCase();
    else errors.add('CountryCode', msg('badCountry', { value: country }));
  }
  const iban = input['iban'];
  if (typeof iban === 'string') {
    if (isValidIban(iban)) record['iban'] = normaliseIban(iban);
    else errors.add('Iban', msg('badIban', { value: iban }));
  }
  const email = input['emailAddress'];
  if (typeof email === 'string' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
    errors.add('EmailAddress', msg('badEmail', { value: email }));
  }
  const vatNumber = input['vatNumber'];
  if (typeof vatNumber === 'string') {
    // Checked loosely (§6.4): a country prefix and 2–13 characters.
    const compact = vatNumber.replace(/[\s.]/g, '').toUpperCase();
    if (/^[A-Z]{2}[0-9A-Z+*]{2,13}$/.test(compact)) record['vatNumber'] = compact;
    else errors.add('VatNumber', msg('badVatNumber', { value: vatNumber }));
  }

  const kind = input['debtorKindId'];
  if (kind === undefined) {
    if (settings.requireDebtorKind) errors.add('DebtorKindId', msg('required', { field: 'DebtorKindId' }));
    else record['debtorKindId'] = data.find('debtorkinds', (k) => k['isDefault'] === true)?.['id'] ?? null;
  } else checkReference(ctx, 'DebtorKindId', 'debtorkinds', kind);
  checkReference(ctx, 'PaymentConditionId', 'paymentconditions', input['paymentConditionId']);
  checkReference(ctx, 'PaymentMethodId', 'paymentmethods', input['paymentMethodId']);
  return record;
}

/** One past the highest numeric customer number; letters in numbers are skipped. */
function nextCustomerNumber(debtors: SandboxRecord[]): number {
  let highest = 0;
  for (const d of debtors) {
    const n = d['customerNumber'];
    if (typeof n === 'string' && /^\d+$/.test(n)) highest = Math.max(highest, Number(n));
  }
  return highest + 1;
}
