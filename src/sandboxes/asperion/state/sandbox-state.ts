import type { Clock } from '../../../core/clock.js';
import type { AsperionSettings } from '../settings.js';
import { defaultSettings } from '../settings.js';
import type { Administration } from './administration-data.js';
import { AdministrationData } from './administration-data.js';
import type { TokenStore } from '../oauth/token-store.js';
import { createTokenStore } from '../oauth/token-store.js';
import { seededRandom } from '../seed/seeded-random.js';
import type { RateWindow } from '../http/traffic-shaping.js';
import { OffsetClock } from '../../../core/clock.js';
import type { RequestLog } from './request-log.js';
import { createRequestLog } from './request-log.js';

export interface SandboxUser {
  username: string;
  password: string;
  /** Shown as _meta.profileName on lists (§1.6). */
  profileName: string;
  administrationIds: number[];
  /** Active after token issue when no tenant header is sent (§1.4). */
  defaultAdministrationId: number;
}

/** All in-memory state of one running sandbox; nothing is shared between instances. */
export interface SandboxState {
  clock: OffsetClock;
  settings: AsperionSettings;
  users: SandboxUser[];
  administrations: Map<number, AdministrationData>;
  tokens: TokenStore;
  requestLog: RequestLog;
  /** Counts requests, for traceIds. */
  requestSeq: number;
  /** Rate-limit windows by token and administration. */
  rateWindows: Map<string, RateWindow>;
  /** Draws for fault injection; restarted from faults.seed whenever the settings change. */
  faultRandom: () => number;
}

export function createSandboxState(clock: Clock): SandboxState {
  return {
    clock: new OffsetClock(clock),
    settings: defaultSettings(),
    users: [],
    administrations: new Map(),
    tokens: createTokenStore(),
    requestLog: createRequestLog(),
    requestSeq: 0,
    faultRandom: seededRandom(1),
    rateWindows: new Map(),
  };
}

/** Replaces the settings and restarts the fault draws and rate windows, so a fault pattern repeats from this moment. */
export function applySettings(state: SandboxState, settings: AsperionSettings): void {
  state.settings = settings;
  state.requestLog.limit = settings.requestLogSize;
  state.rateWindows.clear();
  state.faultRandom = seededRandom(settings.faults.seed);
}

/** Empties data, users and tokens; settings and the request log survive unless reset separately. */
export function clearData(state: SandboxState): void {
  state.users = [];
  state.administrations = new Map();
  state.tokens = createTokenStore();
}

export function addAdministration(state: SandboxState, administration: Administration): AdministrationData {
  const data = new AdministrationData(administration);
  state.administrations.set(administration.id, data);
  return data;
}
