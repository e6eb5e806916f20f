/**
 * The Atom/XML form of an answer, which Exact sends when the request does not ask for JSON
 * (reference 4.1). It is built from the verbose JSON envelope, so every JSON feature (paging,
 * `$select`, `$expand`, `__count`) carries over. Edm types are read back from the JSON values:
 * `/Date(ms)/` is a DateTime, guid-shaped text a Guid, whole numbers Int32 (Int64 beyond), other
 * numbers Double; plain text carries no `m:type`, as OData v2 leaves Edm.String implicit.
 */
const ns = {
  atom: 'http://www.w3.org/2005/Atom',
  d: 'http://schemas.microsoft.com/ado/2007/08/dataservices',
  m: 'http://schemas.microsoft.com/ado/2007/08/dataservices/metadata',
  scheme: 'http://schemas.microsoft.com/ado/2007/08/dataservices/scheme',
  related: 'http://schemas.microsoft.com/ado/2007/08/dataservices/related/',
};

export const atomFeedType = 'application/atom+xml;type=feed;charset=utf-8';
export const atomEntryType = 'application/atom+xml;type=entry;charset=utf-8';

type JsonRow = Record<string, unknown>;

const guidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const exactDatePattern = /^\/Date\((-?\d+)\)\/$/;

/** Escapes for text and double-quoted attributes; `'` stays, so keys read `guid'…'` as in URLs. */
function escapeXml(text: string): string {
  return text.replace(/[<>&"]/g, (c) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', '"': 'quot' }[c]};`);
}

function property(name: string, value: unknown): string {
  if (value === null || value === undefined) return `<d:${name} m:null="true" />`;
  let type: string | undefined;
  let text: string;
  if (typeof value === 'boolean') [type, text] = ['Edm.Boolean', String(value)];
  else if (typeof value === 'number') {
    type = !Number.isInteger(value) ? 'Edm.Double' : Math.abs(value) > 2 ** 31 ? 'Edm.Int64' : 'Edm.Int32';
    text = String(value);
  } else {
    text = String(value);
    const date = exactDatePattern.exec(text);
    // `/Date(ms)/` is wall-clock time; Atom shows the same wall clock without offset.
    if (date) [type, text] = ['Edm.DateTime', new Date(Number(date[1])).toISOString().slice(0, 23)];
    else if (guidPattern.test(text)) type = 'Edm.Guid';
  }
  return `<d:${name}${type ? ` m:type="${type}"` : ''}>${escapeXml(text)}</d:${name}>`;
}

function entry(row: JsonRow, updated: string): string {
  const meta = (row['__metadata'] ?? {}) as { uri?: string; type?: string };
  const uri = meta.uri ?? '';
  const links: string[] = [
    `<link rel="edit" title="${escapeXml(meta.type ?? '')}" href="${escapeXml(uri)}" />`,
  ];
  const props: string[] = [];
  for (const [name, value] of Object.entries(row)) {
    if (name === '__metadata') continue;
    if (typeof value === 'object' && value !== null) {
      const child = value as { __deferred?: { uri?: string }; results?: JsonRow[] };
      const rel = `${ns.related}${name}`;
      const href = child.__deferred?.uri ?? `${uri}/${name}`;
      const open = `<link rel="${rel}" type="application/atom+xml;type=feed" title="${name}" href="${escapeXml(href)}"`;
      if (Array.isArray(child.results)) {
        const inner = child.results.map((r) => entry(r, updated)).join('');
        links.push(`${open}><m:inline><feed>${inner}</feed></m:inline></link>`);
      } else links.push(`${open} />`);
      continue;
    }
    props.push(property(name, value));
  }
  return (
    `<entry><id>${escapeXml(uri)}</id><title type="text"></title><updated>${updated}</updated>` +
    `<author><name /></author>${links.join('')}` +
    `<category term="${escapeXml(meta.type ?? '')}" scheme="${ns.scheme}" />` +
    `<content type="application/xml"><m:properties>${props.join('')}</m:properties></content></entry>`
  );
}

const namespaces = `xmlns="${ns.atom}" xmlns:d="${ns.d}" xmlns:m="${ns.m}"`;

/**
 * `{"d":{"results":[…]}}` (or a bare-array `d`) as an Atom feed, `{"d":{row}}` as an entry; null
 * for anything else (the caller then keeps JSON).
 */
export function atomAnswer(
  json: unknown,
  requestUrl: string,
  now: Date,
): { contentType: string; text: string } | null {
  const d = (json as { d?: unknown } | null)?.d;
  if (typeof d !== 'object' || d === null) return null;
  const updated = now.toISOString().slice(0, 19) + 'Z';
  const head = '<?xml version="1.0" encoding="utf-8"?>';
  const results = Array.isArray(d) ? (d as JsonRow[]) : (d as { results?: JsonRow[] }).results;
  if (Array.isArray(results)) {
    const { __count: count, __next: next } = d as { __count?: unknown; __next?: unknown };
    const title = requestUrl.split('/').at(-1) ?? '';
    const parts = [
      `<feed xml:base="${escapeXml(requestUrl)}" ${namespaces}>`,
      `<id>${escapeXml(requestUrl)}</id><title type="text">${escapeXml(title)}</title>`,
      `<updated>${updated}</updated><link rel="self" title="${escapeXml(title)}" href="${escapeXml(title)}" />`,
      count === undefined ? '' : `<m:count>${escapeXml(String(count))}</m:count>`,
      ...results.map((r) => entry(r, updated)),
      typeof next === 'string' ? `<link rel="next" href="${escapeXml(next)}" />` : '',
      '</feed>',
    ];
    return { contentType: atomFeedType, text: head + parts.join('') };
  }
  const single = entry(d as JsonRow, updated).replace(/^<entry>/, `<entry ${namespaces}>`);
  return { contentType: atomEntryType, text: head + single };
}
