import type { SandboxState } from '../sandbox-state.js';

/** Placeholder until the demo data lands. */
export function seedDemo(_state: SandboxState): void {}
