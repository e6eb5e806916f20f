import type { AsperionClient } from '../../connectors/asperion/asperion-client.js';
import type { VatCode } from '../../connectors/asperion/resource-types.js';
import { SingleFlight } from './single-flight.js';

/** Asperion's VAT codes by id, read once a run (on first use) and shared by resolving and writing. */
export class AsperionVatCodes {
  private readonly flight = new SingleFlight<'all'>();

  constructor(private readonly client: AsperionClient) {}

  all(): Promise<Map<string, VatCode>> {
    return this.flight.run('all', async () => {
      const rows = await this.client.vatCodes.list({}, 100);
      return new Map(rows.map((r) => [r.id, r]));
    });
  }
}
