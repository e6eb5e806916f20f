import { Prng } from './prng.js';
import { FaultPlan } from './control/fault-injection.js';
import { ErrorBlocker } from './rest/error-blocker.js';
import { RateLimiter } from './rest/rate-limiter.js';
import { RequestLog } from './rest/request-log.js';
import type { DivisionInfo } from './divisions.js';
import { sandboxDivisions } from './divisions.js';
import { DivisionData } from './entities/entity-store.js';
import { TokenStore } from './oauth/token-store.js';
import type { OffsetClock } from '../../core/clock.js';
import type { ExactSettings } from './settings.js';
import { defaultExactSettings } from './settings.js';
import { WebhookHub } from './webhooks/webhook-hub.js';

/** Everything one running sandbox holds in memory; `reset` brings it back to a fresh start. */
export class SandboxState {
  settings: ExactSettings = { ...defaultExactSettings };
  tokens = new TokenStore();
  limits = new RateLimiter();
  errors = new ErrorBlocker();
  readonly log = new RequestLog();
  faults = new FaultPlan();
  /** Draws for random faults; restarted from `randomFaults.seed` whenever the settings change. */
  faultRandom: () => number = seededDraws(defaultExactSettings.randomFaults.seed);
  /** The error-limit key (client × division × endpoint) of each request that got that far. */
  readonly errorKeys = new WeakMap<object, string>();
  /** The seed's divisions, and any added through the control API until the next reset. */
  divisions: readonly DivisionInfo[] = sandboxDivisions;
  data = new Map<number, DivisionData>();
  /** Webhook subscriptions and deliveries; fed by every division's write events. */
  readonly webhooks: WebhookHub;

  constructor(readonly clock: OffsetClock) {
    this.webhooks = new WebhookHub(clock, () => this.settings);
    this.clearData();
  }

  nowMs(): number {
    return this.clock.now().getTime();
  }

  division(code: number): DivisionData | undefined {
    return this.data.get(code);
  }

  /** Fresh settings, tokens, counters and empty divisions (the log is kept unless cleared). */
  reset(): void {
    this.applySettings({ ...defaultExactSettings });
    this.tokens = new TokenStore();
    this.limits = new RateLimiter();
    this.errors = new ErrorBlocker();
    this.faults = new FaultPlan();
    this.webhooks.clear();
    this.divisions = sandboxDivisions;
    this.clearData();
  }

  /**
   * `count` more Dutch divisions of the same customer, as an accountant's licence holds one per
   * client: the next free codes, empty (their data is the caller's to seed).
   */
  addDivisions(count: number): DivisionInfo[] {
    const template = sandboxDivisions[0]!;
    const last = Math.max(...this.divisions.map((d) => d.code));
    const lastHid = Math.max(...this.divisions.map((d) => d.hid));
    const added = Array.from({ length: count }, (_, i): DivisionInfo => {
      const n = lastHid + i + 1;
      return {
        ...template,
        code: last + i + 1,
        hid: n,
        description: `Klant ${n} B.V.`,
        vatNumber: `NL${String(859_200_000 + n).padStart(9, '0')}B01`,
        chamberOfCommerce: String(72_000_000 + n),
      };
    });
    this.divisions = [...this.divisions, ...added];
    for (const division of added) this.addDivisionData(division.code);
    return added;
  }

  private addDivisionData(code: number): void {
    const data = new DivisionData(code);
    data.onWrite((event) => this.webhooks.entityWritten(data.division, event));
    this.data.set(code, data);
  }

  /** Replace the settings and restart the fault draws, so a fault pattern repeats from this moment. */
  applySettings(settings: ExactSettings): void {
    this.settings = settings;
    this.faultRandom = seededDraws(settings.randomFaults.seed);
  }

  private clearData(): void {
    this.data = new Map();
    for (const division of this.divisions) this.addDivisionData(division.code);
  }
}

function seededDraws(seed: number): () => number {
  const prng = new Prng(seed);
  return () => prng.next();
}
