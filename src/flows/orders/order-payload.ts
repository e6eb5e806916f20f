/**
 * What the orders mapping produces from one Exact record (before references are resolved). Amounts
 * are decimal strings so the payload stays plain JSON (stored, hashed and diffed as is).
 */
export interface OrderAddressFields {
  street?: string;
  houseNumber?: string;
  addition?: string;
  postcode?: string;
  city?: string;
  country?: string;
}

export interface OrderCustomerFields {
  /** The Exact account's ID: what the debtor it became is remembered by, and the customers flow's links name. */
  id?: string;
  /** Account code in the source; the debtor's customer number when matching on it. */
  number?: string;
  /** Set for a business customer: the debtor is the company, with `name` as attention-to. */
  company?: string;
  /** The person: the debtor's name when there is no company. */
  name?: string;
  email?: string;
  phone?: string;
  vatNumber?: string;
  /** For a new debtor: its payment condition and method in Asperion. */
  paymentConditionId?: number;
  paymentMethodId?: string;
  billing?: OrderAddressFields;
  shipping?: OrderAddressFields;
}

export interface OrderLineFields {
  /** The Exact item's ID, when the source has it: the products flow's links name articles by it. */
  item?: string;
  sku?: string;
  description?: string;
  quantity?: number;
  /** Net unit price, after the line discount. */
  price?: string;
  /** Net line amount excluding VAT (negative on a credit note), in the administration's currency (euro). */
  amount: string;
  /** The target's domestic VAT code (after the mapping's `vatCodes` value map). */
  vatCode?: string;
  /**
   * The VAT Exact charged on the line, in euro, when the source has it (a sales invoice line's
   * `VATAmountDC`); otherwise it is `amount` × `vatPercentage`, rounded per line as Exact does.
   */
  vatAmount?: string;
  /** The VAT rate Exact charged on the line, a fraction (0.21), as Exact gives it. */
  vatPercentage?: number;
  /** The line's amount and VAT in the document's own currency (`AmountFC`), for a foreign one's description. */
  amountInCurrency?: string;
  vatInCurrency?: string;
}

export interface OrderFields {
  date: string;
  description?: string;
  journalId?: string;
  paymentConditionId?: number;
  customer?: OrderCustomerFields;
  /** The shipping method's description, added to the text of shipping lines. */
  shippingMethod?: string;
  /** The Asperion article shipping lines are booked on, by shipping method (`shippingMethods` value map). */
  shippingArticleCode?: string;
  /** The document's currency (ISO 4217, `USD`); the amounts are in euro (`settings.foreignCurrency`). */
  currency?: string;
  lines: OrderLineFields[];
}
