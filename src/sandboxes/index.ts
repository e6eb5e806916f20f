import { asperionSandbox } from './asperion/asperion-sandbox.js';
import { exactOnlineSandbox } from './exact-online/descriptor.js';
import type { SandboxDescriptor } from './types.js';

/** Every sandbox `koppel sandbox <name>` can start. */
export const sandboxes: SandboxDescriptor[] = [exactOnlineSandbox, asperionSandbox];
