import type { AsperionClient } from '../../connectors/asperion/asperion-client.js';
import type { VatCode } from '../../connectors/asperion/resource-types.js';
import type { Clock } from '../../core/clock.js';
import type { RememberedNamespace } from './remembered.js';
import { SingleFlight } from './single-flight.js';

/**
 * Asperion's VAT codes by id, shared by resolving and writing. They change rarely (a new rate, a
 * code's validity), so they are read from Asperion once per refresh interval
 * (settings.vatCodesRefreshMinutes) and remembered for the pair in between, not read every run.
 */
export class AsperionVatCodes {
  private readonly flight = new SingleFlight<'all'>();

  constructor(
    private readonly client: AsperionClient,
    private readonly memory: RememberedNamespace<VatCode[]>,
    private readonly clock: Clock,
    private readonly refreshMinutes: number,
  ) {}

  all(): Promise<Map<string, VatCode>> {
    return this.flight.run('all', async () => {
      const remembered = await this.memory.get('all');
      const age = remembered ? this.clock.now().getTime() - Date.parse(remembered.updatedAt) : Infinity;
      if (remembered && age >= 0 && age < this.refreshMinutes * 60_000)
        return new Map(remembered.value.map((r) => [r.id, r]));
      const rows = await this.client.vatCodes.list({}, 100);
      await this.memory.set('all', rows);
      return new Map(rows.map((r) => [r.id, r]));
    });
  }
}
