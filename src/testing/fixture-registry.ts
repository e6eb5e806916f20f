import { z } from 'zod';
import { KoppelError } from '../core/errors.js';
import type { AppDescriptor, FlowKind, FlowRegistry } from '../engine/types.js';

/**
 * Test-only: a registry with two made-up apps and one flow kind between them, so configuration
 * (apply, export, the CLI) can be tested without the real connectors. The kind cannot run.
 */
const fixtureSource: AppDescriptor = {
  app: 'fixture-source',
  title: 'Fixture source',
  credentialFields: ['apiKey'],
  settingsSchema: z
    .object({
      baseUrl: z.url().optional(),
      division: z.int().positive().optional(),
    })
    .strict(),
};

const fixtureTarget: AppDescriptor = {
  app: 'fixture-target',
  title: 'Fixture target',
  credentialFields: ['token'],
  settingsSchema: z.object({ administration: z.string().min(1) }).strict(),
};

const fixtureCopy: FlowKind = {
  kind: 'fixture-copy',
  title: 'Copy fixture records',
  sourceApp: 'fixture-source',
  targetApp: 'fixture-target',
  entity: 'FixtureRecord',
  settingsSchema: z
    .object({
      batchSize: z.int().min(1).max(500).optional(),
      statuses: z.array(z.enum(['open', 'done', 'cancelled'])).optional(),
    })
    .strict(),
  defaultMapping: { fields: { name: { source: 'name' }, code: { source: 'id', required: true } } },
  open() {
    throw new KoppelError('fixture-copy is not runnable', { code: 'fixture.not_runnable', kind: 'internal' });
  },
};

export const fixtureRegistry: FlowRegistry = {
  kinds: new Map([[fixtureCopy.kind, fixtureCopy]]),
  apps: new Map([
    [fixtureSource.app, fixtureSource],
    [fixtureTarget.app, fixtureTarget],
  ]),
};
