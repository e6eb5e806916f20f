import type { MappingDefinition } from '../../mapping/types.js';

/**
 * The customers mapping that works on the sandboxes' demo data unchanged: an Asperion debtor
 * (`resource-types.ts` `Debtor`) to the fields of an Exact account (`crm/Accounts`, appendix A),
 * plus `contact.*` for the main contact of a company. Whether a debtor is a company, and the VAT
 * code, revenue account and classification a new account gets, are the flow's settings (resolved
 * after mapping). `Code` is never part of the mapping: Exact numbers new accounts (or, matching by
 * code, Koppel writes the customer number once) and an update never re-sends it (reference 7.1).
 */
export const customersDefaultMapping: MappingDefinition = {
  fields: {
    Name: { source: 'name', required: true },
    // Create-only: someone who moves an account on to another status in Exact keeps that choice.
    Status: { default: 'C', overwrite: false },
    Email: { source: 'emailAddress' },
    Phone: { source: 'phoneNumber' },
    Fax: { source: 'faxNumber' },
    AddressLine1: { source: 'address' },
    AddressLine2: { source: 'addressLine2' },
    AddressLine3: { source: 'addressLine3' },
    Postcode: { source: 'postCode' },
    City: { source: 'city' },
    Country: { source: 'countryCode' },
    ChamberOfCommerce: { source: 'cocNumber' },
    VATNumber: { source: 'vatNumber' },
    // Create-only: Asperion's terms are coarser than Exact's (no early-payment discount, no end of
    // month), so an update would turn an account's 2 % within 8 days into plain 30 days.
    PaymentConditionSales: { source: 'paymentConditionId', valueMap: 'paymentConditions', overwrite: false },
    Blocked: { source: 'blocked' },
    // Create-only: notes made in Exact afterwards are not overwritten by Asperion's comments.
    Remarks: { source: 'comments', overwrite: false },
    'contact.name': { source: 'attentionTo' },
    // Create-only: Asperion has one e-mail address and phone number per debtor, the company's; a
    // new contact starts with them, but the person's own ones kept in Exact are never overwritten.
    'contact.Email': { source: 'emailAddress', overwrite: false },
    'contact.Phone': { source: 'phoneNumber', overwrite: false },
    'contact.Mobile': { source: 'mobileNumber', overwrite: false },
  },
  valueMaps: {
    /**
     * Asperion payment condition id → Exact payment condition code (the demos: 1 14 days, 2 30
     * days, 3 60 days, 4 cash; Exact `14`, `30`, `60`, `00`). No fallback: a condition without an
     * entry fails the debtor and `koppel check` lists it, rather than leaving the terms unset.
     */
    paymentConditions: { entries: { '1': '14', '2': '30', '3': '60', '4': '00' } },
  },
};
