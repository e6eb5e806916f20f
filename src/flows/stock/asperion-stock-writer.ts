import type { AsperionClient } from '../../connectors/asperion/asperion-client.js';
import { lastCall, observeCalls } from '../../connectors/kit/observed-calls.js';
import type { ArticleUpdate } from '../../connectors/asperion/resource-types.js';
import { KoppelError } from '../../core/errors.js';
import type { TargetPayload, TargetWriter, WriteResult } from '../../engine/types.js';
import { formatQuantity, toQuantity } from './stock-quantity.js';

/** What the stock flow writes (write mode only): the article's stock. */
export interface StockPayload extends TargetPayload {
  code: string;
  /** Decimal text. */
  currentStock: string;
  /** Set by `resolve`: the Asperion article the code names. */
  articleId?: number;
  /** Set by `resolve`: the article's stock as read (never sent), so a change on Asperion's side changes the hash. */
  asperionStock?: string | null;
  /** Set by `resolve`: the article's change stamp as read (never sent), for the same reason. */
  asperionChanged?: string | null;
}

/**
 * Writes an article's `currentStock` (mode `write`, UNCONFIRMED: Asperion documents it read-only).
 * The article exists (the flow finds it by code before): the engine's first write for an item is a
 * "create" of the link, sent as the same update. An answer that shows another stock than the one
 * sent means this Asperion ignores stock writes: that is an error per article, not a success.
 */
export function asperionStockWriter(client: AsperionClient): TargetWriter<StockPayload> {
  async function write(articleId: number, payload: Partial<StockPayload>): Promise<WriteResult> {
    const sent = toQuantity(payload.currentStock, 'currentStock');
    const changes = { currentStock: Number(formatQuantity(sent)) } as unknown as ArticleUpdate;
    const { result: answer, calls } = await observeCalls(() => client.articles.update(articleId, changes));
    const sentCall = lastCall(calls, client.updateMethod, `/articles/${articleId}`);
    const kept = answer.currentStock as unknown;
    if (kept == null || toQuantity(kept, 'currentStock') !== sent)
      throw new KoppelError(
        `Asperion kept the stock of article ${payload.code ?? articleId} at ${kept == null ? 'none' : formatQuantity(toQuantity(kept, 'currentStock'))} ` +
          `instead of ${formatQuantity(sent)}: this Asperion does not accept stock writes (set the flow's mode to report)`,
        { code: 'stock.write_ignored', kind: 'invalid', details: { articleId } },
      );
    return {
      targetId: String(articleId),
      request: {
        method: client.updateMethod,
        url: `/v1/articles/${articleId}`,
        ...(sentCall ? { status: sentCall.status } : {}),
      },
      response: { id: answer.id, code: answer.code, currentStock: answer.currentStock },
    };
  }
  return {
    create(payload) {
      if (payload.articleId === undefined)
        throw new KoppelError(`No Asperion article for code ${payload.code}`, {
          code: 'stock.no_article',
          kind: 'invalid',
        });
      return write(payload.articleId, payload);
    },
    update: (targetId, payload) => write(Number(targetId), payload),
    // A stock write creates nothing: the article exists either way, and the write is a PUT that may
    // be repeated. So an uncertain write is never "found" (finding the article would not say the
    // stock arrived): recovery abandons its write-ahead row and the item is written when read again.
    findByNaturalKey: () => Promise.resolve(null),
  };
}
