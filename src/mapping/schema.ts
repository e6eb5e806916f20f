import { z } from 'zod';
import type { MappingDefinition } from './types.js';

export const fieldMappingSchema = z
  .object({
    source: z.string().min(1).optional(),
    expr: z.string().min(1).optional(),
    default: z.unknown().optional(),
    required: z.boolean().optional(),
    valueMap: z.string().min(1).optional(),
    overwrite: z.boolean().optional(),
  })
  .strict()
  .refine((f) => f.source !== undefined || f.expr !== undefined || f.default !== undefined, {
    message: 'needs a source path, an expression or a default',
  });

export const valueMapSchema = z
  .object({
    entries: z.record(z.string(), z.unknown()),
    fallback: z.unknown().optional(),
  })
  .strict();

/** Validates a mapping as it appears in a workspace file or an API request. */
export const mappingDefinitionSchema = z
  .object({
    fields: z.record(z.string().min(1), fieldMappingSchema),
    valueMaps: z.record(z.string().min(1), valueMapSchema).optional(),
  })
  .strict()
  .superRefine((m, ctx) => {
    for (const [field, f] of Object.entries(m.fields)) {
      if (f.valueMap !== undefined && !(m.valueMaps && f.valueMap in m.valueMaps)) {
        ctx.addIssue({
          code: 'custom',
          path: ['fields', field, 'valueMap'],
          message: `value map "${f.valueMap}" is not defined in valueMaps`,
        });
      }
    }
  }) as unknown as z.ZodType<MappingDefinition>;
