import { describe, expect, it } from 'vitest';
import { DocumentRowGrouper, documentOf, type FeedRow, type GroupedPage } from './document-rows.js';

let version = 100;
/** A line row of invoice `doc` (header fields left out: grouping does not read them). */
const line = (doc: string, n: number, amount = 10, ts = ++version): FeedRow => ({
  Timestamp: String(ts),
  ID: `${doc}-${n}`,
  InvoiceID: doc,
  LineNumber: n,
  AmountFC: amount,
});
const header = (doc: string, total: number | null, ts = ++version): FeedRow => ({
  Timestamp: String(ts),
  ID: `${doc}-h`,
  InvoiceID: doc,
  LineNumber: 0,
  AmountFC: null,
  AmountFCExclVat: total,
});

/** The pages through a grouper, then its end: what a run would yield. */
function run(pages: FeedRow[][], start: string | null = null): GroupedPage[] {
  const grouper = new DocumentRowGrouper('InvoiceID', start);
  const out = pages.map((p) => grouper.push(p));
  const final = pages
    .flat()
    .reduce((m, r) => (BigInt(r.Timestamp) > BigInt(m) ? r.Timestamp : m), start ?? '1');
  return [...out, grouper.end(final)];
}
const keys = (page: GroupedPage) => page.documents.map((d) => d.key);
const lineNumbers = (page: GroupedPage, key: string) =>
  page.documents.find((d) => d.key === key)?.lines.map((l) => l['LineNumber']);

describe('grouping line-level sync rows into documents', () => {
  it('holds the last document of a page back until the next page completes it', () => {
    version = 100;
    const a = [line('A', 1), line('A', 2)];
    const b1 = [line('B', 1), line('B', 2)];
    const b2 = [line('B', 3)];
    const c = [line('C', 1)];
    const pages = run([
      [...a, ...b1],
      [...b2, ...c],
    ]);
    expect(pages.map(keys)).toEqual([['A'], ['B'], ['C']]);
    expect(lineNumbers(pages[1]!, 'B')).toEqual([1, 2, 3]);
    expect(pages[1]!.documents[0]!.whole).toBe(true);
    // The first cursor stops at A's last row: B's rows are read again after a crash.
    expect(pages[0]!.cursor).toBe(a[1]!.Timestamp);
    expect(pages[1]!.cursor).toBe(b2[0]!.Timestamp);
    expect(pages[2]!.cursor).toBe(c[0]!.Timestamp);
  });

  it('carries a document over three pages and emits it whole once', () => {
    version = 100;
    const grouper = new DocumentRowGrouper('InvoiceID', '100');
    const first = grouper.push([line('A', 1), line('B', 1), line('B', 2)]);
    const middle = grouper.push([line('B', 3), line('B', 4)]);
    const last = grouper.push([line('B', 5), line('C', 1)]);
    const end = grouper.end('107');
    expect([first, middle, last, end].map(keys)).toEqual([['A'], [], ['B'], ['C']]);
    expect(middle.cursor).toBe(first.cursor);
    expect(lineNumbers(last, 'B')).toEqual([1, 2, 3, 4, 5]);
    expect(last.documents[0]!.timestamp).toBe('106');
    expect(end.cursor).toBe('107');
  });

  it('takes the header row apart from the lines and checks the lines add up to its total', () => {
    version = 100;
    const whole = documentOf('A', [header('A', 30.3), line('A', 2, 20.2), line('A', 1, 10.1)]);
    expect(whole.header?.['ID']).toBe('A-h');
    expect(whole.lines.map((l) => l['LineNumber'])).toEqual([1, 2]);
    expect(whole.whole).toBe(true);
    // Lines 1..n contiguous, yet a line was deleted: the header's total says so.
    expect(documentOf('A', [header('A', 50), line('A', 1, 10), line('A', 2, 20)]).whole).toBe(false);
    // A header row alone: the lines did not change with it (per-line versions).
    expect(documentOf('A', [header('A', 30)]).whole).toBe(false);
    expect(documentOf('A', [header('A', 0)]).whole).toBe(true);
  });

  it('without a header row, a gap or a repeat in the line numbers asks for the lines', () => {
    version = 100;
    expect(documentOf('A', [line('A', 1), line('A', 2)]).whole).toBe(true);
    expect(documentOf('A', [line('A', 1), line('A', 3)]).whole).toBe(false);
    expect(documentOf('A', [line('A', 2)]).whole).toBe(false);
    expect(documentOf('A', [line('A', 1), { ...line('A', 1), ID: 'other' }]).whole).toBe(false);
  });

  it('keeps the newest version of a row read twice', () => {
    version = 100;
    const old = line('A', 1, 5);
    const newer: FeedRow = { ...line('A', 1, 7), ID: old['ID'] };
    const doc = documentOf('A', [old, line('A', 2), newer]);
    expect(doc.lines.map((l) => l['AmountFC'])).toEqual([7, 10]);
    expect(doc.whole).toBe(true);
  });

  it('never moves the cursor past a row of a held document, even when versions interleave', () => {
    version = 100;
    // Per-line versions: B's first line changed before A's rows, its second after.
    const b1 = line('B', 1, 10, 101);
    const a = [line('A', 1, 10, 102), line('A', 2, 10, 103)];
    const b2 = line('B', 2, 10, 104);
    const grouper = new DocumentRowGrouper('InvoiceID', '100');
    const page = grouper.push([b1, ...a, b2]);
    expect(keys(page)).toEqual(['A']);
    expect(page.cursor).toBe('100');
    const end = grouper.end('104');
    expect(keys(end)).toEqual(['B']);
    expect(lineNumbers(end, 'B')).toEqual([1, 2]);
  });

  it('never hands out a cursor below the one it started from', () => {
    version = 100;
    const grouper = new DocumentRowGrouper('InvoiceID', '500');
    const page = grouper.push([line('A', 1, 10, 501), line('B', 1, 10, 502)]);
    expect(page.cursor).toBe('501');
    expect(grouper.push([]).cursor).toBe('501');
    expect(grouper.end('502').cursor).toBe('502');
  });

  it('emits nothing for an empty feed', () => {
    expect(run([])).toEqual([{ documents: [], cursor: '1' }]);
  });
});
