import type { Schemas } from '../../api/client';

/**
 * Where a person opens a document in the other system's own web app. Exact Online publishes no
 * reference of its page addresses; these are the addresses its pages are known by in public
 * integrations and guides. Each path gets the division and the record's id.
 */
const exactPages: Record<string, (division: number, id: string) => string> = {
  // Seen in several public integrations and in a third-party guide that reads the id from this page.
  Account: (division, id) => `/docs/CRMAccountCard.aspx?_Division_=${division}&AccountID=%7b${id}%7d`,
  // UNCONFIRMED: seen in one public integration only; Exact may name the page or its parameter otherwise.
  Order: (division, id) => `/docs/SalesInvoice.aspx?_Division_=${division}&ID=${id}`,
};

/** Exact's host when a connection's settings leave it to the app's default. */
const exactDefaultBaseUrl = 'https://start.exactonline.nl';

// Asperion: no public address of a document page was found (its web app's host is not even the
// API's), so no link is offered rather than one that may lead nowhere.

export interface DocumentLink {
  app: string;
  href: string;
}

/** Links to the record's documents in Exact Online, by the flow's connections and the record's ids. */
export function documentLinks(
  record: Pick<Schemas['Record'], 'entity' | 'sourceId' | 'targetId'>,
  flow: Pick<Schemas['Flow'], 'sourceConnectionId' | 'targetConnectionId'> | undefined,
  connections: readonly Schemas['Connection'][],
): DocumentLink[] {
  if (!flow) return [];
  const sides = [
    { connectionId: flow.sourceConnectionId, id: record.sourceId },
    { connectionId: flow.targetConnectionId, id: record.targetId },
  ];
  return sides.flatMap(({ connectionId, id }) => {
    const connection = connections.find((c) => c.id === connectionId);
    const page = exactPages[record.entity];
    if (!connection || connection.app !== 'exact-online' || !page || !id) return [];
    const division = Number(connection.settings['division']);
    if (!Number.isInteger(division) || division <= 0) return [];
    const base = String(connection.settings['baseUrl'] ?? exactDefaultBaseUrl).replace(/\/+$/, '');
    return [{ app: connection.app, href: `${base}${page(division, encodeURIComponent(id))}` }];
  });
}
