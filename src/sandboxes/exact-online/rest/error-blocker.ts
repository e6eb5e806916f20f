import type { ExactSettings } from '../settings.js';

const hourMs = 3_600_000;

/**
 * The error limit: after N answers with status 400/401/403/404 in one clock hour for one
 * client id × division × endpoint, that combination is blocked for a while (reference 3.1; the
 * sandbox has one user, so the user part of the key is implied).
 */
export class ErrorBlocker {
  private readonly counts = new Map<string, { hourStart: number; count: number }>();
  private readonly blockedUntil = new Map<string, number>();

  isBlocked(key: string, nowMs: number): boolean {
    return (this.blockedUntil.get(key) ?? 0) > nowMs;
  }

  record(key: string, status: number, nowMs: number, settings: ExactSettings): void {
    if (settings.errorsPerHour === 0 || ![400, 401, 403, 404].includes(status)) return;
    const hourStart = Math.floor(nowMs / hourMs) * hourMs;
    const entry = this.counts.get(key);
    const count = entry && entry.hourStart === hourStart ? entry.count + 1 : 1;
    this.counts.set(key, { hourStart, count });
    if (count >= settings.errorsPerHour)
      this.blockedUntil.set(key, nowMs + settings.errorBlockMinutes * 60_000);
  }
}
