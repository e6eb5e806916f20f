import { z } from 'zod';
import { fixPlaces } from '../../engine/dead-letter-fix.js';
import { deadLetterStates } from '../../engine/transitions.js';

export const deadLetterFix = z
  .object({
    where: z
      .enum(fixPlaces)
      .describe(
        'mapping: the flow’s mapping; setting: the flow’s setting `setting`; source: the document in the source ' +
          'system; target: something in the target system; connection: a connection; choice: a person chooses ' +
          '(`candidates`); replay: nothing to fix, replay it; record: see the record’s timeline',
      ),
    setting: z.string().optional().describe('The setting to change, as a dotted path in the flow’s settings'),
    valueMap: z.string().optional().describe('The value map that lacks the value'),
    candidates: z
      .object({
        account: z.string().describe('The Exact account to choose for (POST /api/flows/{id}/debtor-choices)'),
        accountCode: z.string().nullable(),
        debtors: z.array(z.object({ customerNumber: z.string(), name: z.string() })),
      })
      .optional()
      .describe('The Asperion debtors an ambiguous match found'),
    hint: z.string().describe('What to do, in one sentence'),
  })
  .meta({ id: 'DeadLetterFix', description: 'Where a person fixes a dead letter’s error, from its code' });

export const deadLetter = z
  .object({
    id: z.string(),
    pairId: z.string(),
    flowId: z.string(),
    entity: z.string().describe('What kind of source record it is, e.g. SalesInvoice'),
    sourceId: z.string(),
    label: z
      .string()
      .describe(
        'How people know the document (Exact sales invoice 26700012); `<entity> <source id>` without one',
      ),
    runId: z.string().describe('The run that parked it'),
    recordId: z.string().describe('The record (activity log) it was parked from'),
    mappingVersion: z
      .number()
      .int()
      .nullable()
      .describe('The mapping version it failed with (0: the default)'),
    error: z.object({ code: z.string(), kind: z.string(), message: z.string() }),
    fix: deadLetterFix,
    state: z.enum(deadLetterStates).describe('open (waiting), replaying, or resolved'),
    replayCount: z.number().int(),
    lastReplayRunId: z.string().nullable(),
    createdAt: z.string().describe('When it was parked'),
    updatedAt: z.string(),
  })
  .meta({ id: 'DeadLetter', description: 'A record that could not be handled; never its snapshot' });

const step = z.object({ at: z.string(), step: z.string(), detail: z.string().optional() });

export const deadLetterDetail = deadLetter
  .extend({
    record: z
      .object({ id: z.string(), state: z.string(), timeline: z.array(step) })
      .nullable()
      .describe('The record it was parked from, with its timeline; null once retention removed it'),
    lastReplay: z
      .object({
        runId: z.string(),
        recordId: z.string(),
        state: z.string().describe("The replayed record's state"),
        outcome: z
          .enum(['resolved', 'failed'])
          .describe('failed: the replay failed again and the dead letter is open with the new error'),
        error: z.string().nullable(),
      })
      .nullable()
      .describe('What the last replay made of it'),
    snapshot: z
      .unknown()
      .describe(
        'The source record as it was parked, with the redaction list applied as to stored payloads; ' +
          'null when withheld (resolved and past the payload retention)',
      ),
    snapshotWithheld: z
      .enum(['retention'])
      .nullable()
      .describe('Why the snapshot is not shown: resolved and older than the payload retention'),
  })
  .meta({ id: 'DeadLetterDetail' });
