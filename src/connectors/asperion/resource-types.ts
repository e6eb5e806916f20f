import type { Cents } from '../../core/money.js';
import type { PlainDate } from './wire.js';

/**
 * Read and write types of every Asperion resource Koppel uses (reference 2, 7). Read types list what
 * Koppel reads; the objects carry any other field the server sends as well, so a new field never
 * breaks a read. Write types are exact: a field Asperion does not take is a compile error. Ids are
 * numbers or strings exactly as reference 7 says: journal, VAT-code, debtor-kind and payment-method
 * ids are strings, the rest numbers. Amounts are exact cents; dates `YYYY-MM-DD`; date-times the
 * server's `YYYY-MM-DDTHH:MM:SS` (no zone) as sent.
 */

export type DateTimeText = string;

interface Meta {
  _meta?: { self?: string };
}

export interface Administration extends Meta {
  id: number;
  name: string;
}

export interface Debtor extends Meta {
  id: number;
  customerNumber: string;
  name: string;
  address: string | null;
  addressLine2: string | null;
  addressLine3: string | null;
  postCode: string | null;
  city: string | null;
  countryCode: string | null;
  attentionTo: string | null;
  phoneNumber: string | null;
  faxNumber: string | null;
  mobileNumber: string | null;
  emailAddress: string | null;
  iban: string | null;
  bic: string | null;
  bban: string | null;
  directDebit: boolean;
  cocNumber: string | null;
  vatNumber: string | null;
  debtorKindId: string | null;
  paymentConditionId: number | null;
  paymentMethodId: string | null;
  comments: string | null;
  characteristic4: string | null;
  characteristic5: string | null;
  blocked: boolean;
  noReminder: boolean;
  dateAdded: DateTimeText | null;
  dateLastChange: DateTimeText | null;
}

/** A new debtor: name and address required (reference 2.3); the customer number is assigned when left out. */
export interface DebtorInput {
  customerNumber?: string;
  name: string;
  address: string;
  addressLine2?: string | null;
  addressLine3?: string | null;
  postCode: string;
  city: string;
  countryCode: string;
  attentionTo?: string | null;
  phoneNumber?: string | null;
  faxNumber?: string | null;
  mobileNumber?: string | null;
  emailAddress?: string | null;
  iban?: string | null;
  bic?: string | null;
  bban?: string | null;
  directDebit?: boolean;
  cocNumber?: string | null;
  vatNumber?: string | null;
  debtorKindId?: string;
  paymentConditionId?: number;
  paymentMethodId?: string;
  comments?: string | null;
  characteristic4?: string | null;
  characteristic5?: string | null;
  blocked?: boolean;
  noReminder?: boolean;
}
/** An update names only what changes; null clears a field. */
export type DebtorUpdate = Partial<DebtorInput>;

export interface Article extends Meta {
  id: number;
  code: string;
  description: string;
  salesTypeId: number;
  salesPrice: Cents | null;
  unit: string | null;
  /** Read-only: only the app and inTrade sales orders move stock (reference 2.10). */
  currentStock: number | null;
  active: boolean;
  dateLastChange: DateTimeText | null;
}
export interface ArticleInput {
  code: string;
  description: string;
  salesTypeId: number;
  salesPrice?: Cents;
  unit?: string | null;
  active?: boolean;
}
export type ArticleUpdate = Partial<ArticleInput>;

export interface SalesType extends Meta {
  id: number;
  description: string;
  ledgerAccountId: number | null;
  vatCode: string | null;
}

export interface SalesInvoiceLine {
  id: number;
  description: string | null;
  amount: Cents;
  articleId: number | null;
  salesTypeId: number | null;
  ledgerAccountId: number | null;
  vatCode: string | null;
  vatAmount: Cents | null;
  costCenterId: number | null;
  costUnitId: number | null;
}

/** Sales invoice status (reference 2.4). */
export const salesInvoiceStatus = {
  concept: 1,
  inJournalEntry: 2,
  inLedger: 3,
  payable: 6,
  paid: 7,
  hold: 8,
} as const;

export interface SalesInvoiceHeader extends Meta {
  id: number;
  /** Drafts have none: the number is given when the invoice is processed in Asperion (reference 2.4). */
  invoiceNumber: string | null;
  date: PlainDate;
  bookyear: number;
  bookperiod: number;
  journalId: string;
  debtorCustomerNumber: string;
  debtorId: number | null;
  description: string | null;
  status: number;
  paymentConditionId: number | null;
  paymentDueDate: PlainDate | null;
  costCenterId: number | null;
  amountExclVat: Cents;
  vatAmount: Cents;
  amountInclVat: Cents;
  dateLastChange: DateTimeText | null;
}
export interface SalesInvoice extends SalesInvoiceHeader {
  lines: SalesInvoiceLine[];
}

/** A line is a text line with its own ledger account and VAT code, a sales type or an article (reference 2.10). */
export interface SalesInvoiceLineInput {
  description?: string;
  amount: Cents;
  articleId?: number;
  salesTypeId?: number;
  ledgerAccountId?: number;
  vatCode?: string;
  vatAmount?: Cents;
  costCenterId?: number;
  costUnitId?: number;
}
export interface SalesInvoiceInput {
  date: PlainDate;
  journalId: string;
  /** Invoices name the debtor by customer number, not id (reference 7). */
  debtorCustomerNumber: string;
  description?: string;
  bookyear?: number;
  bookperiod?: number;
  paymentConditionId?: number;
  costCenterId?: number;
  lines: SalesInvoiceLineInput[];
}

export interface SalesOrderLine {
  id: number;
  articleId: number;
  description: string | null;
  quantity: number;
  price: Cents | null;
}
export interface SalesOrder extends Meta {
  id: number;
  date: PlainDate;
  debtorCustomerNumber: string;
  description: string | null;
  delivered: boolean;
  amountExclVat: Cents | null;
  dateLastChange: DateTimeText | null;
  lines: SalesOrderLine[];
}
export interface SalesOrderLineInput {
  articleId: number;
  description?: string;
  /** At most two decimals. */
  quantity: number;
  price?: Cents;
}
export interface SalesOrderInput {
  date: PlainDate;
  debtorCustomerNumber: string;
  description?: string;
  delivered?: boolean;
  lines: SalesOrderLineInput[];
}

export interface JournalEntryLine {
  id: number;
  /** Signed: positive is debit, negative credit (reference 2.5). */
  amount: Cents;
  bookingDate: PlainDate | null;
  description: string | null;
  ledgerAccountId: number;
  vatCode: string | null;
  vatAmount: Cents | null;
  costCenterId: number | null;
  debtorId: number | null;
  creditorId: number | null;
  salesInvoiceId: number | null;
  purchaseInvoiceId: number | null;
}
export interface JournalEntry extends Meta {
  id: number;
  journalId: string;
  date: PlainDate;
  bookyear: number;
  bookperiod: number;
  description: string | null;
  sourceDocumentNumber: string | null;
  state: number | null;
  openingBalance: Cents | null;
  closingBalance: Cents | null;
  dateLastChange: DateTimeText | null;
  lines: JournalEntryLine[];
}
export interface JournalEntryLineInput {
  amount: Cents;
  bookingDate?: PlainDate;
  description?: string;
  ledgerAccountId: number;
  vatCode?: string;
  vatAmount?: Cents;
  costCenterId?: number;
  debtorId?: number;
  creditorId?: number;
  salesInvoiceId?: number;
  purchaseInvoiceId?: number;
}
export interface JournalEntryInput {
  journalId: string;
  date: PlainDate;
  bookyear?: number;
  bookperiod?: number;
  description?: string;
  sourceDocumentNumber?: string;
  openingBalance?: Cents;
  closingBalance?: Cents;
  lines: JournalEntryLineInput[];
}

export interface LedgerAccount extends Meta {
  id: number;
  type: number | null;
  description: string;
  vatCode: string | null;
  disabled: boolean;
  rcsfi: string | null;
}

export interface VatCode extends Meta {
  id: string;
  description: string;
  salesCode: boolean;
  percentage: number;
  isDefault: boolean;
  validFrom: PlainDate | null;
  validUntil: PlainDate | null;
  countryCode: string | null;
}

export interface Journal extends Meta {
  id: string;
  description: string;
  type: string | null;
}

export interface PaymentCondition extends Meta {
  id: number;
  description: string;
}

export interface PaymentMethod extends Meta {
  id: string;
  description: string;
}

export interface DebtorKind extends Meta {
  id: string;
  description: string;
  isDefault: boolean | null;
}

export interface CostCenter extends Meta {
  id: number;
  description: string;
  conversionCode: string | null;
}

export interface CostUnit extends Meta {
  id: number;
  type: number | null;
  description: string;
  conversionCode: string | null;
  costCenter: number | null;
}

/** How a resource's rows are converted on the way in and out. */
export interface ResourceSpec {
  /** The path after `/v1/`, as Asperion spells it. */
  path: string;
  idType: 'number' | 'string';
  /** Amount fields, on the header and on lines: read as exact cents. */
  money: readonly string[];
  /** Date-only fields: read and written as `YYYY-MM-DD`. */
  dates: readonly string[];
  /** Whether rows carry `dateLastChange`, so changes can be polled (sandbox README). */
  changeStamp: boolean;
  /** Whether nested lines come in the `{_data}` envelope. */
  lines: boolean;
}

const spec = (
  path: string,
  idType: 'number' | 'string',
  extra: Partial<ResourceSpec> = {},
): ResourceSpec => ({
  path,
  idType,
  money: [],
  dates: [],
  changeStamp: false,
  lines: false,
  ...extra,
});

export const resourceSpecs = {
  administrations: spec('administrations', 'number'),
  debtors: spec('debtors', 'number', { changeStamp: true }),
  articles: spec('articles', 'number', { money: ['salesPrice'], changeStamp: true }),
  salesTypes: spec('salestypes', 'number'),
  salesInvoices: spec('salesinvoiceswithlines', 'number', {
    money: ['amountExclVat', 'vatAmount', 'amountInclVat', 'amount'],
    dates: ['date', 'paymentDueDate'],
    changeStamp: true,
    lines: true,
  }),
  salesOrders: spec('SalesOrderWithLines', 'number', {
    money: ['amountExclVat', 'price'],
    dates: ['date'],
    changeStamp: true,
    lines: true,
  }),
  journalEntries: spec('journalentrieswithlines', 'number', {
    money: ['amount', 'vatAmount', 'openingBalance', 'closingBalance'],
    dates: ['date', 'bookingDate'],
    changeStamp: true,
    lines: true,
  }),
  ledgerAccounts: spec('ledgeraccounts', 'number'),
  vatCodes: spec('vatcodes', 'string', { dates: ['validFrom', 'validUntil'] }),
  journals: spec('journals', 'string'),
  paymentConditions: spec('paymentconditions', 'number'),
  paymentMethods: spec('paymentmethods', 'string'),
  debtorKinds: spec('debtorkinds', 'string'),
  costCenters: spec('costcenters', 'number'),
  costUnits: spec('costunits', 'number'),
} as const satisfies Record<string, ResourceSpec>;
