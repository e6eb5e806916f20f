import { isEuCountry } from '../orders/tax-rules.js';
import type { DebtorRecord } from './asperion-debtors-source.js';
import type { CustomersSettings } from './settings.js';

/** A company: an attention-to person, a Chamber of Commerce or VAT number, or a company debtor kind. */
export function isCompany(record: DebtorRecord, settings: CustomersSettings): boolean {
  const filled = (v: unknown) => typeof v === 'string' && v.trim() !== '';
  return (
    filled(record.attentionTo) ||
    filled(record.cocNumber) ||
    filled(record.vatNumber) ||
    (record.debtorKindId !== null && settings.companyDebtorKinds.includes(record.debtorKindId))
  );
}

/** The sales VAT code a new account in `country` gets, and why. */
export function salesVatCodeFor(
  country: string,
  vatNumber: string | null,
  settings: CustomersSettings,
): { code: string; why: string } {
  const rules = settings.salesVatCode;
  const own = rules.byCountry[country];
  if (own !== undefined) return { code: own, why: `salesVatCode.byCountry.${country}` };
  if (country === settings.homeCountry) return { code: rules.home, why: 'home country' };
  if (isEuCountry(country))
    return vatNumber
      ? { code: rules.euBusiness, why: 'EU business with a VAT number' }
      : { code: rules.euConsumer, why: 'EU customer without a VAT number' };
  return { code: rules.export, why: 'outside the EU' };
}
