import { z } from 'zod';
import type { FlowKind, FlowRegistry } from '../engine/types.js';
import { loopbackItemsKind, loopbackRegistry } from './loopback-flow.js';
import type { SourceItem } from './loopback-server.js';

const groupCodes = z.object({ groupCodes: z.record(z.string(), z.string()).default({}) }).passthrough();

/**
 * Test-only: the loopback items flow with a mapping check and a resolve step. Its `groupCodes`
 * setting maps source groups to target codes; `checkMappings` reads every source item live and
 * lists the groups the setting has no code for, each with the first item that uses it. `resolve`
 * puts the code into `groupCode`; for a group without one it finds or creates a group record in
 * the target (as the orders flow does with debtors), except in a dry run, where it only says so.
 */
export const checkedItemsKind: FlowKind<SourceItem, Record<string, unknown>> = {
  ...loopbackItemsKind,
  kind: 'loopback-checked-items',
  title: 'Loopback items with a mapping check (test)',
  open(ctx) {
    const runtime = loopbackItemsKind.open(ctx);
    const codes = groupCodes.parse(ctx.settings).groupCodes;
    return {
      ...runtime,
      async resolve(payload, item) {
        const group = String(item.group ?? '');
        const code = codes[group];
        if (code !== undefined) return { ...payload, groupCode: code };
        const key = `group:${group}`;
        const found = await runtime.target.findByNaturalKey(key);
        if (found) return { ...payload, groupCode: found.targetId };
        if (ctx.dryRun) return { ...payload, groupCode: `(would create group ${group})` };
        const made = await runtime.target.create({ name: `Group ${group}`, reference: key }, key);
        return { ...payload, groupCode: made.targetId };
      },
    };
  },
  async checkMappings(ctx) {
    const mapped = groupCodes.parse(ctx.settings).groupCodes;
    const firstUse = new Map<string, string>();
    for await (const page of loopbackItemsKind.open(ctx).read(null)) {
      for (const item of page.records) {
        const group = typeof item.group === 'string' ? item.group : '';
        if (group && !(group in mapped) && !firstUse.has(group)) firstUse.set(group, `item ${item.id}`);
      }
    }
    // A suggestion where one code is already mapped: the same code, as a stand-in for a real match.
    const known = Object.values(mapped)[0];
    return [...firstUse].map(([value, where]) => ({
      domain: 'item group',
      value,
      where,
      ...(known === undefined ? {} : { suggestion: `${known} (the code already in use)` }),
    }));
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
