import type { SandboxState } from '../sandbox-state.js';
import { seedDemo } from './demo-seed.js';

/** Fill a freshly reset state: `demo` data or nothing (`empty`; the divisions always exist). */
export function loadSeed(state: SandboxState, seed: 'demo' | 'empty'): void {
  if (seed === 'demo') seedDemo(state);
}
