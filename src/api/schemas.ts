import { z } from 'zod';
import { errorKinds } from '../core/errors.js';

/**
 * Schemas shared by many routes. Each is registered under a name, so the OpenAPI document refers to
 * it once (`#/components/schemas/Error`) instead of repeating it in every operation.
 */
export const errorBody = z
  .object({
    error: z.object({
      code: z.string().describe('`area.reason`, e.g. `flow.not_found`; stable, for programs'),
      kind: z.enum(errorKinds).describe('What kind of failure this is; it decides the HTTP status'),
      message: z.string().describe('One sentence for people: what went wrong and where'),
      details: z.record(z.string(), z.unknown()).optional().describe('Structured context, never secrets'),
    }),
  })
  .meta({ id: 'Error', description: 'Every error answer, 404s included, has this shape.' });

export const slug = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and dashes');

export const idParams = z.object({ id: z.string().min(1).max(200) });

/** `?limit=`: how many rows a list answers. */
export const limitQuery = (fallback: number, max = 500) =>
  z.coerce
    .number()
    .int()
    .min(1)
    .max(max)
    .default(fallback)
    .describe(`How many (1–${max}, default ${fallback})`);

export const isoTime = z.iso
  .datetime({ offset: true })
  .or(z.iso.date())
  .describe('ISO 8601 date or date-time, e.g. 2026-11-01 or 2026-11-01T12:00:00Z');

/** Answers of state-changing routes that queue work: the job, and whether an identical one waited already. */
export const queuedJob = z
  .object({ jobId: z.string(), deduped: z.boolean().describe('An identical job was already waiting') })
  .meta({ id: 'QueuedJob' });

export const okBody = z.object({ ok: z.literal(true) }).meta({ id: 'Ok' });
