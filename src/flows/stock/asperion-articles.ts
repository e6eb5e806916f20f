import type { AsperionClient } from '../../connectors/asperion/asperion-client.js';
import type { Article } from '../../connectors/asperion/resource-types.js';
import { KoppelError } from '../../core/errors.js';
import { formatQuantity, toQuantity } from './stock-quantity.js';

/** An Asperion article as the stock flow compares it. */
export interface StockArticle {
  ArticleId: number;
  Code: string;
  /** Asperion's stock as decimal text (null: the article shows none). */
  CurrentStock: string | null;
  Active: boolean;
  /** Changes with every change to the article, the flow's own writes included. */
  DateLastChange: string | null;
}

/** A found article, none (undefined), or why the code cannot be matched (an Error). */
export type ArticleMatch = StockArticle | Error | undefined;

const listPageSize = 100;

/**
 * Asperion's articles by code (codes are unique without case, inactive ones included). A few codes
 * are looked up one by one; when a page names more than `perCodeLimit`, the whole article list is
 * read once for the run instead (100 a call), which is cheaper from about that many on.
 */
export class AsperionArticles {
  private all: Map<string, StockArticle | Error> | undefined;
  /** Per code without case: the Exact items of this run that have it, with their codes. */
  private readonly claims = new Map<string, Map<string, string>>();

  constructor(
    private readonly client: AsperionClient,
    private readonly perCodeLimit: number,
  ) {}

  /**
   * Notes that Exact item `itemId` has `code`. `clashOf` then says when another item of this run
   * has the same code but for case (Exact tells them apart, Asperion's codes do not): such items
   * cannot be compared with the one article their code names.
   */
  claim(code: string, itemId: string): void {
    const key = code.toLowerCase();
    this.claims.set(key, (this.claims.get(key) ?? new Map<string, string>()).set(itemId, code));
  }

  clashOf(code: string): string | null {
    const items = this.claims.get(code.toLowerCase());
    if (!items || items.size < 2) return null;
    const named = [...items].map(([id, c]) => `${c} (ItemID ${id})`).join(' and ');
    return `Exact items ${named} have codes that differ only in case; Asperion's article codes ignore case, so they would share one article: give one of them another code in Exact`;
  }

  async byCodes(codes: readonly string[]): Promise<Map<string, ArticleMatch>> {
    const wanted = [...new Set(codes.map((c) => c.toLowerCase()))];
    const out = new Map<string, ArticleMatch>();
    if (!this.all && wanted.length > this.perCodeLimit) this.all = await this.readAll();
    if (this.all) {
      for (const code of wanted) out.set(code, this.all.get(code));
      return out;
    }
    for (const code of wanted) {
      try {
        const found = await this.client.find.articleByCode(code);
        out.set(code, found ? stockArticle(found) : undefined);
      } catch (e) {
        // Two articles with one code is this item's problem; the run goes on. Other errors end it.
        if (e instanceof KoppelError && e.code === 'asperion.ambiguous') out.set(code, e);
        else throw e;
      }
    }
    return out;
  }

  private async readAll(): Promise<Map<string, StockArticle | Error>> {
    const byCode = new Map<string, StockArticle | Error>();
    const ids = new Map<string, number[]>();
    for await (const page of this.client.articles.pages({ ActiveState: 'All' }, listPageSize))
      for (const row of page.rows) {
        const code = row.code.toLowerCase();
        ids.set(code, [...(ids.get(code) ?? []), row.id]);
        byCode.set(code, stockArticle(row));
      }
    for (const [code, found] of ids)
      if (found.length > 1)
        byCode.set(
          code,
          new KoppelError(
            `Found ${found.length} Asperion articles with code ${code} where one was expected (ids ${found.join(', ')})`,
            { code: 'asperion.ambiguous', kind: 'conflict' },
          ),
        );
    return byCode;
  }
}

function stockArticle(a: Article): StockArticle {
  const stock = a.currentStock as unknown;
  return {
    ArticleId: a.id,
    Code: a.code,
    CurrentStock:
      stock === null || stock === undefined
        ? null
        : formatQuantity(toQuantity(stock, `Asperion article ${a.code}'s currentStock`)),
    Active: a.active,
    DateLastChange: a.dateLastChange,
  };
}
