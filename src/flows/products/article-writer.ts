import type { AsperionClient } from '../../connectors/asperion/asperion-client.js';
import { referenceListMarginMs } from '../../connectors/asperion/finders.js';
import { observeCalls } from '../../connectors/kit/observed-calls.js';
import type { Article, ArticleInput, ArticleUpdate } from '../../connectors/asperion/resource-types.js';
import { KoppelError, toKoppelError } from '../../core/errors.js';
import type { FoundRecord, TargetWriter, WriteResult } from '../../engine/types.js';
import { articleBody, type ArticleFields } from './article-fields.js';
import type { ProductsSettings } from './settings.js';

const listPageSize = 100;

/**
 * Writes articles by SKU: the article code is the natural key. A create that Asperion refuses
 * because the code is taken adopts that article (created or updated by SKU) when its code is the
 * same to the letter; a code that differs only in case is another item's, and the record fails.
 */
export function asperionArticleWriter(
  client: AsperionClient,
  settings: ProductsSettings,
): TargetWriter<ArticleFields> {
  const body = (fields: Partial<ArticleFields>) => articleBody(fields, settings.articleProperties);
  const found = (article: Article): FoundRecord => ({ targetId: String(article.id), record: article });
  const byCode = async (code: string) => {
    const article = await client.find.articleByCode(code);
    return article && article.code === code ? article : null;
  };
  async function createArticle(fields: Partial<ArticleFields>, code: string): Promise<WriteResult> {
    try {
      const created = await client.articles.create(body(fields) as unknown as ArticleInput);
      return { targetId: String(created.id), response: created };
    } catch (e) {
      const error = toKoppelError(e);
      if (!isCodeTaken(error)) throw error;
      const existing = await client.find.articleByCode(code);
      if (!existing) throw error;
      if (existing.code !== code)
        throw new KoppelError(
          `Asperion refuses article code "${code}": codes are unique without regard to case and article "${existing.code}" (id ${existing.id}) has it`,
          {
            code: 'products.code_taken',
            kind: 'invalid',
            details: { field: 'code', sku: code, articleId: existing.id },
          },
        );
      const { code: _, ...rest } = fields;
      const updated = await client.articles.update(existing.id, body(rest) as unknown as ArticleUpdate);
      return { targetId: String(existing.id), response: updated };
    }
  }
  /**
   * The write with the last article write Asperion answered (the create, or the update a taken code
   * became), as the record's request step shows it: what was really sent and answered.
   */
  async function reported(work: () => Promise<WriteResult>): Promise<WriteResult> {
    const { result, calls } = await observeCalls(work);
    const sent = calls.findLast(
      (c) =>
        (c.method === 'POST' || c.method === client.updateMethod) &&
        /\/articles(\/|$)/.test(new URL(c.url).pathname),
    );
    if (!sent) return result;
    return {
      ...result,
      request: { method: sent.method, url: new URL(sent.url).pathname, status: sent.status },
    };
  }
  return {
    create: (fields, code) => reported(() => createArticle(fields, code)),
    update: (targetId, fields) =>
      reported(async () => {
        const updated = await client.articles.update(
          Number(targetId),
          body(fields) as unknown as ArticleUpdate,
        );
        return { targetId, response: updated };
      }),
    async findByNaturalKey(code) {
      const article = await byCode(code);
      return article ? found(article) : null;
    },
    /**
     * The articles changed since `since` (less a margin), page by page, matched by code; when the
     * listing would take more pages than codes are left to find, the rest one by one.
     */
    async findByNaturalKeys(codes, since) {
      const wanted = new Set(codes);
      const out = new Map<string, FoundRecord>();
      const from = new Date(since.getTime() - referenceListMarginMs).toISOString().slice(0, 19);
      let complete = false;
      if (wanted.size > 1) {
        let read = 0;
        for await (const page of client.articles.pages(
          { ActiveState: 'All', DateLastChange_from: from },
          listPageSize,
        )) {
          read++;
          for (const row of page.rows) if (wanted.has(row.code)) out.set(row.code, found(row));
          if (!page.hasNext) {
            complete = true;
            break;
          }
          const pages = Math.ceil((page.totalCount ?? Infinity) / listPageSize);
          if (pages - read >= wanted.size - out.size) break;
        }
      }
      if (!complete)
        for (const code of wanted) {
          if (out.has(code)) continue;
          const article = await byCode(code);
          if (article) out.set(code, found(article));
        }
      return out;
    },
  };
}

/** Asperion's answer to a create whose code another article has (duplicateStatus: 400, 409 or 422). */
function isCodeTaken(error: KoppelError): boolean {
  if (error.kind !== 'invalid' && error.kind !== 'conflict') return false;
  const fields = (error.details as { fields?: Record<string, unknown> } | undefined)?.fields ?? {};
  return Object.keys(fields).some((f) => f.toLowerCase() === 'code');
}
