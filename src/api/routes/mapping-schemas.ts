import { z } from 'zod';
import { fieldMappingSchema, mappingDefinitionSchema, valueMapSchema } from '../../mapping/schema.js';

/** Schemas of the mapping routes' answers, each registered once for the OpenAPI document. */

export const mappingDefinition = mappingDefinitionSchema.meta({
  id: 'MappingDefinition',
  description:
    'Per target field (dotted for nested output) a source path or a JSONata expression, a default, ' +
    'required, a value map and whether an update may overwrite it; plus the value maps.',
});

const fieldMapping = fieldMappingSchema.meta({ id: 'FieldMapping' });
const valueMap = valueMapSchema.meta({ id: 'ValueMap' });

export const mappingDiff = z
  .object({
    same: z.boolean().describe('Nothing differs (the order of fields and entries does not count)'),
    fields: z.object({
      added: z.array(z.object({ field: z.string(), mapping: fieldMapping })),
      removed: z.array(z.object({ field: z.string(), mapping: fieldMapping })),
      changed: z.array(
        z.object({
          field: z.string(),
          before: fieldMapping,
          after: fieldMapping,
          properties: z.array(z.string()).describe('The properties that differ: source, expr, default, …'),
        }),
      ),
    }),
    valueMaps: z.object({
      added: z.array(z.object({ name: z.string(), map: valueMap })),
      removed: z.array(z.object({ name: z.string(), map: valueMap })),
      changed: z.array(
        z.object({
          name: z.string(),
          entries: z.object({
            added: z.array(z.object({ key: z.string(), value: z.unknown() })),
            removed: z.array(z.object({ key: z.string(), value: z.unknown() })),
            changed: z.array(z.object({ key: z.string(), before: z.unknown(), after: z.unknown() })),
          }),
          fallback: z
            .object({ before: z.unknown(), after: z.unknown() })
            .optional()
            .describe('Present when the fallback differs; a missing one is null'),
        }),
      ),
    }),
  })
  .meta({ id: 'MappingDiff', description: 'What a mapping version changes against another' });

const author = z
  .object({ kind: z.string().describe('user, token, cli or system'), name: z.string() })
  .nullable()
  .describe('Who published it, from the audit log; null when the log has no line for it');

export const mappingVersion = z
  .object({
    flowId: z.string(),
    version: z.number().int().describe("0 is the flow kind's built-in default mapping"),
    definition: mappingDefinition,
    active: z.boolean().describe("The version the flow's runs use now"),
    createdAt: z.string().nullable().describe('When it was stored; null for the default'),
    createdBy: author,
    previousVersion: z
      .number()
      .int()
      .nullable()
      .describe('The version the diff compares with: the one before (0: the default); null for 0'),
    diff: mappingDiff.nullable(),
  })
  .meta({ id: 'MappingVersion' });

export const mappingVersionSummary = z
  .object({
    version: z.number().int(),
    createdAt: z.string(),
    createdBy: author,
    active: z.boolean(),
  })
  .meta({ id: 'MappingVersionSummary' });

export const fieldError = z
  .object({
    field: z.string(),
    expression: z.string().describe('The source path or expression that failed'),
    message: z.string(),
    code: z.string(),
    origin: z.enum(['expr', 'source', 'default']).optional(),
  })
  .meta({ id: 'FieldError', description: 'A field that could not be mapped' });
