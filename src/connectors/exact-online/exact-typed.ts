import type { ExactClient } from './exact-client.js';
import { exactError } from './exact-error.js';
import type {
  ExactCreates,
  ExactEndpoints,
  exactEndpoints,
  ExactPath,
  ExactUpdates,
} from './entities.generated.js';
import { lit, odataQuery, type ODataOptions } from './odata-query.js';

/** Endpoints that answer DELETE. */
export type DeletablePath = {
  [P in ExactPath]: 'DELETE' extends (typeof exactEndpoints)[P]['methods'][number] ? P : never;
}[ExactPath];

/**
 * The client's calls typed by the generated endpoint map (`client.typed`): the path picks the row,
 * create and update types, and `$select`/`$filter`/`$orderby`/`$expand` names are checked. Fields
 * outside `$select` are absent from the rows even though the row type lists them.
 */
export class TypedExact {
  constructor(private readonly client: ExactClient) {}

  /** Every matching row, one page at a time, following `__next` (reference 4.3). */
  pages<P extends ExactPath>(
    path: P,
    options: ODataOptions<ExactEndpoints[P]>,
  ): AsyncGenerator<ExactEndpoints[P][]> {
    return this.client.pages<ExactEndpoints[P]>(path, options as unknown as ODataOptions);
  }

  /** Every matching row; stops after `max` rows (`$top` does not stop `__next` paging, 4.3). */
  async list<P extends ExactPath>(
    path: P,
    options: ODataOptions<ExactEndpoints[P]>,
    max = Infinity,
  ): Promise<ExactEndpoints[P][]> {
    const rows: ExactEndpoints[P][] = [];
    for await (const page of this.pages(path, options)) {
      rows.push(...page.slice(0, max - rows.length));
      if (rows.length >= max) break;
    }
    return rows;
  }

  /** One row by key; a key Exact does not know is a `not_found` error. */
  async get<P extends ExactPath>(
    path: P,
    id: string,
    options: Pick<ODataOptions<ExactEndpoints[P]>, 'select' | 'expand'> = {},
  ): Promise<ExactEndpoints[P]> {
    const res = await this.client.request('GET', `${path}(${lit.guid(id)})`, {
      query: odataQuery(options as unknown as ODataOptions),
    });
    if (!res.ok) throw await exactError(res, 'GET', `/api/v1/{division}/${path}({id})`);
    return ((await res.json()) as { d: ExactEndpoints[P] }).d;
  }

  /** POST answering the created row; mandatory fields are required by the type. */
  create<P extends ExactPath>(path: P, body: ExactCreates[P]): Promise<ExactEndpoints[P]> {
    return this.client.create<ExactEndpoints[P]>(path, body as unknown as Record<string, unknown>);
  }

  /** Partial PUT by key (reference 7): only the fields to change. */
  update<P extends ExactPath>(path: P, id: string, body: ExactUpdates[P]): Promise<void> {
    return this.client.update(path, id, body as unknown as Record<string, unknown>);
  }

  /** DELETE by key; 204 with no body (reference 4.2). */
  async remove(path: DeletablePath, id: string): Promise<void> {
    const res = await this.client.request('DELETE', `${path}(${lit.guid(id)})`);
    if (!res.ok) throw await exactError(res, 'DELETE', `/api/v1/{division}/${path}({id})`);
    await res.body?.cancel();
  }
}
