import { KoppelError } from '../../core/errors.js';

/** Which references to look up afresh rather than take from what the pair remembers. */
export interface Fresh {
  debtor: boolean;
  articles: boolean;
}

/**
 * Whether Asperion refused a create for its debtor or an article (a validation error on
 * `debtorCustomerNumber`, a journal line's `debtorId`, or a line's `articleId`): what the pair
 * remembered may be gone from Asperion. Other refusals are the order's own.
 */
export function staleReferences(e: unknown): Fresh | undefined {
  if (!(e instanceof KoppelError) || e.code !== 'asperion.validation') return undefined;
  const fields = Object.keys((e.details?.['fields'] ?? {}) as Record<string, unknown>);
  const debtor = fields.some((f) => /debtorcustomernumber$|debtorid$/i.test(f));
  const articles = fields.some((f) => /articleid$/i.test(f));
  return debtor || articles ? { debtor, articles } : undefined;
}
