import type { ExactSettings } from '../settings.js';

interface Window {
  minuteStart: number;
  minuteCount: number;
  dayStart: number;
  dayCount: number;
}

export interface RateDecision {
  allowed: boolean;
  /** The `X-RateLimit-*` headers to send (reference 3.2). */
  headers: Record<string, string>;
}

const minuteMs = 60_000;
const dayMs = 86_400_000;

/**
 * Calls per (client id, division): a fixed calendar minute and a UTC day (reference 3.1). A refused
 * call is not counted. A minutely 429 carries only the minutely headers (reference 3.3).
 */
export class RateLimiter {
  private readonly windows = new Map<string, Window>();

  take(clientId: string, division: number, nowMs: number, settings: ExactSettings): RateDecision {
    const key = `${clientId}|${division}`;
    const minuteStart = Math.floor(nowMs / minuteMs) * minuteMs;
    const dayStart = Math.floor(nowMs / dayMs) * dayMs;
    const w = this.windows.get(key) ?? { minuteStart, minuteCount: 0, dayStart, dayCount: 0 };
    if (w.minuteStart !== minuteStart) Object.assign(w, { minuteStart, minuteCount: 0 });
    if (w.dayStart !== dayStart) Object.assign(w, { dayStart, dayCount: 0 });
    this.windows.set(key, w);
    const dailyOut = w.dayCount >= settings.dailyLimit;
    const minutelyOut = w.minuteCount >= settings.minutelyLimit;
    const allowed = !dailyOut && !minutelyOut;
    if (allowed) {
      w.minuteCount += 1;
      w.dayCount += 1;
    }
    const minutely = {
      'X-RateLimit-Minutely-Limit': String(settings.minutelyLimit),
      'X-RateLimit-Minutely-Remaining': String(Math.max(0, settings.minutelyLimit - w.minuteCount)),
      'X-RateLimit-Minutely-Reset': String(minuteStart + minuteMs),
    };
    const daily = {
      'X-RateLimit-Limit': String(settings.dailyLimit),
      'X-RateLimit-Remaining': String(Math.max(0, settings.dailyLimit - w.dayCount)),
      'X-RateLimit-Reset': String(dayStart + dayMs),
    };
    if (!allowed && !dailyOut) return { allowed, headers: minutely };
    return { allowed, headers: { ...daily, ...minutely } };
  }
}
