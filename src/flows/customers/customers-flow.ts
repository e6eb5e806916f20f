import type { ExactClient } from '../../connectors/exact-online/exact-client.js';
import { cmp, lit } from '../../connectors/exact-online/odata-query.js';
import { isIsoCountryCode } from '../../core/countries.js';
import { emailAddressProblem } from '../../core/email-address.js';
import { KoppelError } from '../../core/errors.js';
import type { FlowKind, FlowRuntimeContext } from '../../engine/types.js';
import { asperionClientOf } from '../../connectors/asperion/app.js';
import { exactClientOf } from '../../connectors/exact-online/app.js';
import { fromValueMap } from '../orders/tax-rules.js';
import {
  debtorSearchKeys,
  describeDebtor,
  readDebtors,
  rereadDebtors,
  type DebtorRecord,
} from './asperion-debtors-source.js';
import { checkCustomerMappings } from './check-mappings.js';
import { customersDefaultMapping } from './default-mapping.js';
import {
  exactAccountWriter,
  koppelMarker,
  naturalKeyField,
  type AccountPayload,
  type ContactFields,
} from './exact-account-writer.js';
import { isCompany, salesVatCodeFor } from './customer-rules.js';
import { customersSettingsSchema, type CustomersSettings } from './settings.js';

const invalid = (message: string, code: string) => new KoppelError(message, { code, kind: 'invalid' });

/** The fields resolved from settings: defaults for new accounts unless `defaultsOnUpdate`. */
const settingsDefaultFields = (settings: CustomersSettings) => [
  'SalesVATCode',
  'GLAccountSales',
  settings.classification.field,
];

/**
 * The account fields the default mapping and the settings write, read along with a matched account
 * (or the run's index) so that linking or updating it sends only what differs. A field a custom
 * mapping adds is simply sent.
 */
const writtenAccountFields = (settings: CustomersSettings) => [
  ...Object.keys(customersDefaultMapping.fields).filter((f) => !f.includes('.')),
  ...settingsDefaultFields(settings),
];

/** GL account IDs by code, read once per run. */
function glAccounts(exact: ExactClient) {
  const cache = new Map<string, Promise<string | null>>();
  return (code: string) => {
    let found = cache.get(code);
    if (!found) {
      found = exact
        .findUnique<{ ID: string; Code: string }, 'ID' | 'Code'>(
          'financial/GLAccounts',
          cmp<{ ID: string; Code: string }>('Code', 'eq', lit.string(code)),
          ['ID', 'Code'],
          `GL account ${code}`,
        )
        .then((row) => row?.ID ?? null);
      found.catch(() => cache.delete(code));
      cache.set(code, found);
    }
    return found;
  };
}

/**
 * Customers, Asperion → Exact Online: debtors polled by their last change, mapped to
 * Exact accounts with status customer; a company gets its attention-to person as main contact, a
 * person an account in their own name. An existing account is matched (e-mail by default) and
 * linked instead of duplicated; a new one carries `[koppel:<debtor id>]` in `CodeAtSupplier`.
 */
export const customersFlowKind: FlowKind<DebtorRecord, AccountPayload> = {
  kind: 'customers',
  title: 'Customers (Asperion → Exact Online)',
  sourceApp: 'asperion',
  targetApp: 'exact-online',
  entity: 'Account',
  settingsSchema: customersSettingsSchema,
  defaultMapping: customersDefaultMapping,
  open(ctx: FlowRuntimeContext) {
    const settings = customersSettingsSchema.parse(ctx.settings);
    const asperion = asperionClientOf(ctx.source);
    const exact = exactClientOf(ctx.target);
    const glAccountId = glAccounts(exact);
    const writer = exactAccountWriter(
      exact,
      settings,
      settingsDefaultFields(settings),
      ctx.createOnlyFields,
      writtenAccountFields(settings),
    );
    return {
      async *read(cursor) {
        for await (const page of readDebtors(asperion, cursor, settings.pageSize)) {
          writer.expect(page.records.length);
          yield page;
        }
      },
      reread: (records) => rereadDebtors(asperion, records),
      sourceId: (record) => String(record.id),
      naturalKey: (record) => String(record.id),
      describe: describeDebtor,
      searchKeys: debtorSearchKeys,
      async resolve(payload, record, note) {
        const about = describeDebtor(record);
        const out: AccountPayload = { ...payload, about };
        const email = typeof record.emailAddress === 'string' ? record.emailAddress.trim() : '';
        if (settings.matchBy === 'email' && email === '')
          throw invalid(
            `${about} has no e-mail address (emailAddress), which this flow matches Exact accounts on (settings.matchBy email)`,
            'customers.no_email',
          );
        // Checked before Exact sees it: Exact takes any text as an e-mail address, and an account
        // created with a mistyped one would also be what the next debtor with that typo matches.
        const emailProblem = email === '' ? null : emailAddressProblem(email);
        if (emailProblem !== null)
          throw invalid(
            `${about}: its e-mail address (emailAddress) ${emailProblem}; correct it on the debtor in Asperion, then replay`,
            'customers.bad_email',
          );
        if (settings.matchBy === 'code') out['Code'] = record.customerNumber;

        const country = (record.countryCode ?? '').trim().toUpperCase() || settings.homeCountry;
        if (!isIsoCountryCode(country))
          throw invalid(
            `${about} has an unknown country "${record.countryCode}" (countryCode)`,
            'customers.unknown_country',
          );
        out['Country'] = country;

        const vat = salesVatCodeFor(country, record.vatNumber, settings);
        out['SalesVATCode'] = vat.code;
        note('vat-code', `${vat.code} (${vat.why})`);

        const revenueCode = fromValueMap(settings.revenueAccountByCountry, country);
        if (revenueCode !== undefined) {
          const id = await glAccountId(revenueCode);
          if (id === null)
            throw invalid(
              `Revenue GL account ${revenueCode} for ${country} (settings.revenueAccountByCountry) does not exist in Exact; needed for ${about}`,
              'customers.unknown_gl_account',
            );
          out['GLAccountSales'] = id;
          note('revenue-account', `${revenueCode} for ${country}`);
        }

        const classification = fromValueMap(
          settings.classification.byDebtorKind,
          record.debtorKindId ?? undefined,
        );
        if (classification !== undefined) out[settings.classification.field] = classification;

        const contact = payload.contact as Partial<ContactFields> | undefined;
        delete out.contact;
        if (isCompany(record, settings)) {
          if (contact?.name) {
            out.contact = contact as ContactFields;
            note('company', `main contact ${contact.name}`);
          } else note('company', 'no attention-to person, so no contact');
        } else note('person', "an account in the person's own name, without contact");
        return out;
      },
      withNaturalKey: (payload, key) => ({ ...payload, [naturalKeyField]: koppelMarker(key) }),
      target: writer,
    };
  },
  checkMappings: (ctx, mapping) => checkCustomerMappings(ctx, mapping),
  webhookTopics: () => [],
};
