import type { AsperionClient } from '../../connectors/asperion/asperion-client.js';
import { KoppelError } from '../../core/errors.js';
import { toCents } from '../../core/money.js';
import type { OrderLineFields } from './order-payload.js';
import type { OrdersSettings } from './settings.js';
import { SingleFlight } from './single-flight.js';

export interface ResolvedArticle {
  id: number;
  /** Inactive articles cannot go on an invoice line (sandbox rule, reference 2.10). */
  active: boolean;
}

/** Makes sure the article of a line exists in Asperion, by SKU (the article code); each code once a run. */
export class ArticleResolver {
  private readonly flight = new SingleFlight<string>();

  constructor(
    private readonly client: AsperionClient,
    private readonly settings: OrdersSettings['articles'],
  ) {}

  async byCode(code: string, line: OrderLineFields, where: string): Promise<ResolvedArticle> {
    // Orders share the look-up, not its failure: each one's error names its own line.
    const article = await this.flight.run(code.toLowerCase(), async () => {
      const found = await this.client.find.articleByCode(code);
      if (found) return { id: found.id, active: found.active };
      if (!this.settings.create) return null;
      const created = await this.client.articles.create({
        code,
        description: line.description ?? code,
        salesTypeId: this.settings.salesTypeId,
        ...(line.price === undefined ? {} : { salesPrice: toCents(line.price) }),
      });
      return { id: created.id, active: created.active };
    });
    if (article) return article;
    throw new KoppelError(
      `Article "${code}" (${where}) does not exist in Asperion and this flow may not create articles (settings.articles.create is off)`,
      { code: 'orders.unknown_article', kind: 'invalid', details: { sku: code } },
    );
  }
}
