import { toCents } from '../../core/money.js';

/** A row of a line-level sync feed: its row version and whatever fields were selected. */
export type FeedRow = Record<string, unknown> & { Timestamp: string };

/**
 * The rows of one document (one InvoiceID or OrderID) as a read of a line-level sync feed found
 * them: Exact's `sync/SalesInvoice/SalesInvoices` and `sync/SalesOrder/SalesOrders` give one row
 * per line, the header's fields repeated on each (reference 5.1).
 */
export interface DocumentRows<R extends FeedRow = FeedRow> {
  key: string;
  /** The header row (LineNumber 0) when the feed has one: whether it does is UNCONFIRMED. */
  header: R | null;
  /** Rows with LineNumber 1 or more, by LineNumber. */
  lines: R[];
  /** The highest Timestamp of the document's rows. */
  timestamp: string;
  /**
   * Whether the rows are the whole document: line numbers 1..n without a gap, and, with a header
   * row, the lines' amounts adding up to its AmountFCExclVat. When not, the caller reads the lines.
   */
  whole: boolean;
}

/** What a page of rows yields: the documents it completes and the cursor to store after them. */
export interface GroupedPage<R extends FeedRow = FeedRow> {
  documents: Array<DocumentRows<R>>;
  cursor: string;
}

const isLine = (row: FeedRow) => typeof row['LineNumber'] === 'number' && row['LineNumber'] >= 1;
const maxOf = (a: string, b: string) => (BigInt(b) > BigInt(a) ? b : a);

/**
 * Groups the pages of a line-level sync feed into whole documents. A document's rows can straddle
 * a page (1,000 rows) or several, so the last document of each page is held back until the next
 * page (or the end of the feed) completes it. The cursor handed out with a page's documents is the
 * highest Timestamp of the rows emitted, kept below every held row, so a crash reads the held
 * rows again instead of skipping them.
 */
export class DocumentRowGrouper<R extends FeedRow = FeedRow> {
  private held: R[] = [];
  private cursor: string;

  constructor(
    private readonly keyField: string,
    start: string | null,
  ) {
    this.cursor = start ?? '0';
  }

  /** The documents `rows` completes (all but the last one, which waits for the next page). */
  push(rows: readonly R[]): GroupedPage<R> {
    const last = rows.at(-1);
    if (last === undefined) return { documents: [], cursor: this.cursor };
    const heldKey = this.keyOf(last);
    const all = [...this.held, ...rows];
    this.held = all.filter((r) => this.keyOf(r) === heldKey);
    const emitted = all.filter((r) => this.keyOf(r) !== heldKey);
    if (emitted.length === 0) return { documents: [], cursor: this.cursor };
    let cursor = emitted.map((r) => r.Timestamp).reduce(maxOf);
    // With per-line versions a held document's rows may sit below rows of emitted ones.
    const lowestHeld = this.held.map((r) => BigInt(r.Timestamp)).reduce((a, b) => (b < a ? b : a));
    if (BigInt(cursor) >= lowestHeld) cursor = (lowestHeld - 1n).toString();
    this.cursor = maxOf(this.cursor, cursor);
    return { documents: this.group(emitted), cursor: this.cursor };
  }

  /** At the end of the feed: the held document, with the feed's final checkpoint. */
  end(checkpoint: string): GroupedPage<R> {
    const documents = this.group(this.held);
    this.held = [];
    this.cursor = maxOf(this.cursor, checkpoint);
    return { documents, cursor: this.cursor };
  }

  private keyOf(row: R): string {
    return String(row[this.keyField]);
  }

  private group(rows: readonly R[]): Array<DocumentRows<R>> {
    const byKey = new Map<string, R[]>();
    for (const row of rows) {
      const key = this.keyOf(row);
      const group = byKey.get(key);
      if (group) group.push(row);
      else byKey.set(key, [row]);
    }
    return [...byKey].map(([key, group]) => documentOf(key, group));
  }
}

/** One document from its rows: the newest version of each row, header apart, lines in order. */
export function documentOf<R extends FeedRow>(key: string, rows: readonly R[]): DocumentRows<R> {
  // A row changed while the feed was read shows up twice; its newest version counts.
  const newest = new Map<string, R>();
  rows.forEach((row, at) => {
    const id = typeof row['ID'] === 'string' ? row['ID'] : `#${at}`;
    const seen = newest.get(id);
    if (!seen || BigInt(row.Timestamp) > BigInt(seen.Timestamp)) newest.set(id, row);
  });
  const latest = [...newest.values()];
  const header = latest.filter((r) => !isLine(r)).reduce<R | null>(newer, null);
  const lines = latest.filter(isLine).sort((a, b) => Number(a['LineNumber']) - Number(b['LineNumber']));
  const timestamp = latest.map((r) => r.Timestamp).reduce(maxOf);
  return { key, header, lines, timestamp, whole: isWhole(header, lines) };
}

const newer = <R extends FeedRow>(a: R | null, b: R): R =>
  a === null || BigInt(b.Timestamp) > BigInt(a.Timestamp) ? b : a;

/**
 * Line numbers 1..n without gap or repeat, and with a header row, the lines' net amounts adding
 * up to the header's AmountFCExclVat to the cent (a header row without that total is not checked).
 */
function isWhole(header: FeedRow | null, lines: readonly FeedRow[]): boolean {
  if (!lines.every((line, at) => line['LineNumber'] === at + 1)) return false;
  if (header === null) return lines.length > 0;
  const total = header['AmountFCExclVat'];
  if (typeof total !== 'number') return true;
  const sum = lines.reduce((s, line) => s + toCents(amountOf(line['AmountFC'])), 0n);
  return sum === toCents(total);
}

const amountOf = (v: unknown): number => (typeof v === 'number' ? v : 0);
