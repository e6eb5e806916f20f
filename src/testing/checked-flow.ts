import { z } from 'zod';
import type { FlowKind, FlowRegistry } from '../engine/types.js';
import { loopbackItemsKind, loopbackRegistry } from './loopback-flow.js';
import type { SourceItem } from './loopback-server.js';

const groupCodes = z.object({ groupCodes: z.record(z.string(), z.string()).default({}) }).passthrough();

/**
 * Test-only: the loopback items flow with a mapping check. Its `groupCodes` setting maps source
 * groups to target codes; `checkMappings` reads every source item live and lists the groups the
 * setting has no code for, each with the first item that uses it.
 */
export const checkedItemsKind: FlowKind<SourceItem, Record<string, unknown>> = {
  ...loopbackItemsKind,
  kind: 'loopback-checked-items',
  title: 'Loopback items with a mapping check (test)',
  async checkMappings(ctx) {
    const mapped = groupCodes.parse(ctx.settings).groupCodes;
    const firstUse = new Map<string, string>();
    for await (const page of loopbackItemsKind.open(ctx).read(null)) {
      for (const item of page.records) {
        const group = typeof item.group === 'string' ? item.group : '';
        if (group && !(group in mapped) && !firstUse.has(group)) firstUse.set(group, `item ${item.id}`);
      }
    }
    return [...firstUse].map(([value, where]) => ({ domain: 'item group', value, where }));
  },
};

/** The loopback registry plus the checked kind. */
export const checkedRegistry: FlowRegistry = {
  kinds: new Map([
    ...loopbackRegistry.kinds,
    [checkedItemsKind.kind, checkedItemsKind as unknown as FlowKind],
  ]),
  apps: loopbackRegistry.apps,
};
