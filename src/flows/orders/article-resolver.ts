import type { AsperionClient } from '../../connectors/asperion/asperion-client.js';
import { KoppelError } from '../../core/errors.js';
import { toCents } from '../../core/money.js';
import type { PairLinks } from '../../engine/types.js';
import type { OrderLineFields } from './order-payload.js';
import type { RememberedNamespace } from './remembered.js';
import type { OrdersSettings } from './settings.js';
import { SingleFlight } from './single-flight.js';

export interface ResolvedArticle {
  id: number;
  /** Inactive articles cannot go on an invoice line (sandbox rule, reference 2.10). */
  active: boolean;
}

/**
 * Makes sure the article of a line exists in Asperion, by SKU (the article code); each code once a
 * run. What it finds is remembered for the pair by code, so a known article costs no call in later
 * runs; an article the products flow made for the line's Exact item is read by its id rather than
 * searched for. Only then is it looked up by code (and created), as the first time.
 */
export class ArticleResolver {
  private readonly flight = new SingleFlight<string>();

  constructor(
    private readonly client: AsperionClient,
    private readonly settings: OrdersSettings['articles'],
    private readonly memory: RememberedNamespace<ResolvedArticle>,
    private readonly links: PairLinks,
    /** The Exact item's list price, for an article made for its line; null when unknown. */
    private readonly listPrice: (item: string) => Promise<number | null>,
    /** A dry run: look up, never create; an article to be made gets id 0 (none yet). */
    private readonly dryRun = false,
  ) {}

  /** `fresh`: Asperion refused what was remembered (deleted, made inactive): look it up again. */
  async byCode(
    code: string,
    line: OrderLineFields,
    where: string,
    options: { fresh?: boolean } = {},
  ): Promise<ResolvedArticle> {
    const key = code.toLowerCase();
    if (options.fresh) {
      this.flight.forget(key);
      await this.memory.delete(key);
    }
    // Orders share the look-up, not its failure: each one's error names its own line.
    const article = await this.flight.run(key, async () => {
      if (!options.fresh) {
        const remembered = (await this.memory.get(key))?.value;
        if (remembered) return remembered;
        const linked = await this.linked(line.item, code);
        if (linked?.active) {
          await this.memory.set(key, linked);
          return linked;
        }
      }
      const found = await this.client.find.articleByCode(code);
      let resolved: ResolvedArticle | null = found ? { id: found.id, active: found.active } : null;
      if (!resolved && this.settings.create && this.dryRun) return { id: 0, active: true };
      if (!resolved && this.settings.create) {
        // The item's list price: the line's net price carries this customer's discount, which is
        // no price for the article. Unknown: no price rather than the discounted one.
        const price = line.item ? await this.listPrice(line.item) : null;
        const created = await this.client.articles.create({
          code,
          description: line.description ?? code,
          salesTypeId: this.settings.salesTypeId,
          ...(price === null ? {} : { salesPrice: toCents(price) }),
        });
        resolved = { id: created.id, active: created.active };
      }
      // An inactive article is not remembered: it is looked up again, so one activated since is used.
      if (resolved?.active) await this.memory.set(key, resolved);
      return resolved;
    });
    if (article) return article;
    throw new KoppelError(
      `Article "${code}" (${where}) does not exist in Asperion and this flow may not create articles (settings.articles.create is off)`,
      { code: 'orders.unknown_article', kind: 'invalid', details: { sku: code } },
    );
  }

  /** The article the products flow linked to the Exact item, when it still has the line's code. */
  private async linked(item: string | undefined, code: string): Promise<ResolvedArticle | undefined> {
    if (!item) return undefined;
    const id = (await this.links.targetsOf('products', [item])).get(item);
    if (id === undefined) return undefined;
    try {
      const article = await this.client.articles.get(id);
      // Renamed since: the code on the line is what counts, so look that up instead.
      if (article.code.toLowerCase() !== code.toLowerCase()) return undefined;
      return { id: article.id, active: article.active };
    } catch (e) {
      if (e instanceof KoppelError && e.kind === 'not_found') return undefined;
      throw e;
    }
  }
}
