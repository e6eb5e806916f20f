import type { Tenant } from '../../connectors/kit/app-descriptor.js';

/** "3215711 De Spaak, 3215712 Webshop and 1 more", for sentences; at most `shown` named. */
export function describeTenants(tenants: readonly Tenant[], shown = 5): string {
  const named = tenants.slice(0, shown).map((t) => `${t.id} ${t.name}`);
  const more = tenants.length - named.length;
  return more > 0 ? `${named.join(', ')} and ${more} more` : named.join(', ');
}
