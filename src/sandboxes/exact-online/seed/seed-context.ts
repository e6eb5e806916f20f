import type { DivisionInfo } from '../divisions.js';
import type { DivisionData } from '../entities/entity-store.js';
import { Prng } from '../prng.js';
import type { ExactSettings } from '../settings.js';

/** What every seed step gets for one division. */
export interface SeedContext {
  division: DivisionInfo;
  data: DivisionData;
  /** Amsterdam wall-clock now (the sandbox clock), for Created/Modified. */
  now: string;
  /** The same instant, as the anchor for dates in the past (order dates, …). */
  nowMs: number;
  settings: ExactSettings;
  /**
   * A generator of its own per division and step, so that adding or changing one step leaves the
   * data of the others as it was.
   */
  prng(step: string): Prng;
}

/** A 32-bit seed from the division code and a step name (FNV-1a). */
export function stepSeed(division: number, step: string): number {
  let hash = 0x811c9dc5 ^ division;
  for (const ch of step) hash = Math.imul(hash ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return hash >>> 0;
}

export function seedContext(
  division: DivisionInfo,
  data: DivisionData,
  now: string,
  nowMs: number,
  settings: ExactSettings,
): SeedContext {
  return {
    division,
    data,
    now,
    nowMs,
    settings,
    prng: (step) => new Prng(stepSeed(division.code, step)),
  };
}
