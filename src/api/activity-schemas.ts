import { z } from 'zod';
import { jobStates } from '../queue/index.js';

/**
 * Answers of the pairs, flows, runs, jobs, records, events and budget routes. Each object reused
 * across routes is registered under a name, so the OpenAPI document describes it once.
 */

const time = z.string().describe('ISO 8601, UTC');
const nullableTime = time.nullable();

/** A page of a list, newest first, and the id to pass as `before` for the next one. */
export function page<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    next: z
      .string()
      .nullable()
      .describe('Pass as `?before=` for the next page; null when this is the last one'),
  });
}

/** `?limit=&before=` of every list that pages. */
export const beforeQuery = z
  .string()
  .min(1)
  .max(200)
  .optional()
  .describe('The `next` of the page before: only older entries');

export const runCounts = z
  .object({
    read: z.number().int(),
    skipped: z.number().int(),
    unchanged: z.number().int(),
    created: z.number().int(),
    updated: z.number().int(),
    failed: z.number().int().describe('Failed in a batch that stopped early (not dead-lettered)'),
    deadLettered: z.number().int().describe('Failed and kept as dead letters for a replay'),
  })
  .meta({ id: 'RunCounts', description: 'Records of a run by how they ended.' });

const problem = z.object({ code: z.string(), message: z.string() });

export const runSummaryBody = z
  .object({
    id: z.string(),
    pairId: z.string(),
    flowId: z.string(),
    trigger: z.string().describe('schedule, manual, webhook or replay'),
    state: z.string().describe('queued, running, succeeded, partial, failed or cancelled'),
    jobId: z.string().nullable().describe('The job that ran it (`GET /api/jobs/{id}`)'),
    counts: runCounts,
    apiCalls: z.record(z.string(), z.number().int()).describe('API calls per connection id'),
    error: problem.nullable().describe('What ended the run early, if anything'),
    createdAt: time,
    startedAt: nullableTime,
    finishedAt: nullableTime,
    durationMs: z.number().int().nullable().describe('From start to finish; null while it runs'),
  })
  .meta({ id: 'RunSummary', description: 'One run of a flow.' });

export const jobBody = z
  .object({
    id: z.string(),
    name: z.string().describe('What it does: flow.run, flow.replay, activity.purge, …'),
    queue: z.string(),
    state: z.enum(jobStates),
    priority: z.number().int().describe('Lower runs first'),
    attempts: z.number().int(),
    maxAttempts: z.number().int(),
    runAt: time.describe('Not started before this time'),
    lastError: z.string().nullable(),
    cancelRequestedAt: nullableTime.describe('When someone asked to cancel it'),
    createdAt: time,
    finishedAt: nullableTime,
    flowId: z.string().nullable().describe('The flow it is for; null for installation-wide jobs'),
    pairId: z.string().nullable(),
    runIds: z.array(z.string()).describe('The runs it made, oldest first (one per attempt)'),
  })
  .meta({ id: 'Job', description: 'A unit of work in the queue: a run, a replay, a purge.' });

export const cancelBody = z
  .object({
    jobId: z.string(),
    runId: z.string().optional(),
    outcome: z
      .enum(['cancelled', 'requested'])
      .describe(
        '`cancelled`: it had not started (or nothing was running it) and never will; `requested`: it stops at its next heartbeat, within seconds, keeping what it stored',
      ),
  })
  .meta({ id: 'CancelResult' });

export const runBody = runSummaryBody
  .extend({
    job: jobBody.nullable(),
    recordsByState: z
      .record(z.string(), z.number().int())
      .describe("How many of the run's stored records ended in each state"),
    failures: z
      .array(
        z.object({
          recordId: z.string(),
          sourceId: z.string(),
          label: z
            .string()
            .nullable()
            .describe('How people know the record, e.g. Exact sales invoice 26700012'),
          state: z.string(),
          errorCode: z.string().nullable(),
          errorMessage: z.string().nullable(),
          deadLetterId: z.string().nullable(),
        }),
      )
      .describe('The first failed records (up to 10), oldest first'),
  })
  .meta({ id: 'Run', description: 'One run with its job, its records by state and its first failures.' });

const recordFields = {
  id: z.string(),
  runId: z.string(),
  pairId: z.string(),
  flowId: z.string(),
  entity: z.string(),
  sourceId: z.string(),
  targetId: z.string().nullable(),
  label: z
    .string()
    .nullable()
    .describe('How people know it, e.g. `Exact sales invoice 26700012 (InvoiceID …)`'),
  state: z.string().describe('skipped, unchanged, created, updated, failed or dead_lettered'),
  operation: z.string().nullable().describe('create or update, when one was chosen'),
  attempts: z.number().int(),
  mappingVersion: z.number().int().nullable(),
  error: z.object({ code: z.string(), kind: z.string().nullable(), message: z.string() }).nullable(),
  createdAt: time,
};

export const recordListItemBody = z
  .object({
    ...recordFields,
    skipReason: z.string().nullable().describe('Why a skipped record was skipped'),
    deadLetter: z.object({ id: z.string(), state: z.string() }).nullable(),
  })
  .meta({ id: 'RecordListItem', description: 'One record in the activity log.' });

export const recordBody = z
  .object({
    ...recordFields,
    naturalKey: z.string().nullable(),
    timeline: z.array(z.object({ at: time, step: z.string(), detail: z.string().optional() })),
    snapshot: z.unknown().describe('The source record as read (redacted fields replaced); null once purged'),
    payload: z.unknown().describe('The mapped payload; null once purged'),
    request: z.unknown().describe('The request sent (method, URL template, status); null once purged'),
    response: z.unknown().describe("The target's answer; null once purged"),
    diff: z.unknown().describe('Field diff of an update: path, before, after; null once purged'),
    payloadsPurged: z
      .boolean()
      .describe('The retention policy removed the payloads (snapshot … diff); the timeline stays'),
    deadLetter: z
      .object({
        id: z.string(),
        state: z.string(),
        errorCode: z.string(),
        errorMessage: z.string(),
        replayCount: z.number().int(),
        lastReplayRunId: z.string().nullable(),
        createdAt: time,
        updatedAt: time,
      })
      .nullable(),
    run: z
      .object({
        id: z.string(),
        state: z.string(),
        trigger: z.string(),
        createdAt: time,
        finishedAt: nullableTime,
      })
      .nullable(),
  })
  .meta({ id: 'Record', description: "One record's whole timeline." });

export const eventBody = z
  .object({
    id: z.string(),
    type: z.string().describe('e.g. run.failed, connection.paused'),
    severity: z.string().describe('info, warning or error'),
    pairId: z.string().nullable(),
    flowId: z.string().nullable(),
    connectionId: z.string().nullable(),
    runId: z.string().nullable(),
    message: z.string(),
    details: z.record(z.string(), z.unknown()),
    createdAt: time,
    acknowledgedAt: nullableTime,
  })
  .meta({ id: 'Event', description: 'Something an owner must know.' });
