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
  readonly divisions: readonly DivisionInfo[] = sandboxDivisions;
  data = new Map<number, DivisionData>();

  constructor(readonly clock: OffsetClock) {
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
    this.clearData();
  }

  /** Replace the settings and restart the fault draws, so a fault pattern repeats from this moment. */
  applySettings(settings: ExactSettings): void {
    this.settings = settings;
    this.faultRandom = seededDraws(settings.randomFaults.seed);
  }

  private clearData(): void {
    this.data = new Map(this.divisions.map((d) => [d.code, new DivisionData(d.code)]));
  }
}

function seededDraws(seed: number): () => number {
  const prng = new Prng(seed);
  return () => prng.next();
}
