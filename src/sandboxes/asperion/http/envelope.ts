import type { FastifyRequest } from 'fastify';
import {
  extraPropertiesKey,
  type ResourceDescriptor,
  type SandboxRecord,
} from '../resources/resource-descriptor.js';
import type { AsperionSettings } from '../settings.js';
import type { ListQuery } from './list-query.js';

/** `http://host:port`, as the client reached us, for the absolute URLs in _meta (§6.3). */
export function baseUrl(request: FastifyRequest): string {
  return `http://${request.headers.host ?? '127.0.0.1'}`;
}

/** One item as emitted: hidden fields dropped, optionally projected, with `_meta.self` (§1.6). */
export function present(
  record: SandboxRecord,
  resource: ResourceDescriptor,
  request: FastifyRequest,
  projection?: string[],
): SandboxRecord {
  const keep = projection ? new Set(['id', ...projection.map((p) => p.toLowerCase())]) : undefined;
  const out: SandboxRecord = {};
  for (const field of resource.fields) {
    if (field.hidden) continue;
    if (keep && !keep.has(field.name.toLowerCase())) continue;
    out[field.name] = record[field.name] ?? null;
  }
  const extra = record[extraPropertiesKey];
  if (typeof extra === 'object' && extra !== null)
    for (const [name, value] of Object.entries(extra))
      if (!keep || keep.has(name.toLowerCase())) out[name] = value;
  if (record['id'] !== undefined) {
    out['_meta'] = {
      self: `${baseUrl(request)}/v1/${resource.path}/${encodeURIComponent(String(record['id']))}`,
    };
  }
  return out;
}

/** The collection envelope of §1.6: `_data` plus `_meta` with paging links that keep every other parameter. */
export function envelope(
  request: FastifyRequest,
  settings: AsperionSettings,
  query: ListQuery,
  items: SandboxRecord[],
  counts: { totalCount: number; pageCount: number },
): Record<string, unknown> {
  const self = new URL(request.url, baseUrl(request));
  const link = (index: number) => {
    const url = new URL(self);
    for (const key of [...url.searchParams.keys()])
      if (key.toLowerCase() === 'page') url.searchParams.delete(key);
    url.searchParams.set('page', String(index + settings.pageBase));
    return url.toString();
  };
  const empty = settings.emptyPageLink === 'null' ? null : '';
  const data = request.sandbox.data;
  const meta = {
    administrationId: data?.administration.id ?? null,
    administrationName: data?.administration.name ?? null,
    profileName: request.sandbox.user?.profileName ?? null,
    previousPage:
      query.pageIndex > 0 && counts.pageCount > 0
        ? link(Math.min(query.pageIndex, counts.pageCount) - 1)
        : empty,
    nextPage: query.pageIndex + 1 < counts.pageCount ? link(query.pageIndex + 1) : empty,
    totalCount: counts.totalCount,
    pageCount: counts.pageCount,
    self: self.toString(),
  };
  if (query.metaOnly) return settings.metaOnlyData === 'omit' ? { _meta: meta } : { _data: [], _meta: meta };
  return { _data: items, _meta: meta };
}
