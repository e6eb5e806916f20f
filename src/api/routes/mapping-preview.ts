import { z } from 'zod';
import { previewFlowMapping } from '../../engine/preview-flow-mapping.js';
import { validateMapping } from '../../workspace/validate-mapping.js';
import { invalidMappingError } from '../../workspace/workspace-errors.js';
import { responses, type ApiRoute } from '../route-kit.js';
import { idParams } from '../schemas.js';
import { scopedFlow } from '../scoped-flow.js';
import { fieldError } from './mapping-schemas.js';

const maxSamples = 100;

const previewBody = z
  .object({
    mapping: z
      .record(z.string(), z.unknown())
      .optional()
      .describe(
        'A proposed mapping (shape of MappingDefinition), checked as on publish; without it the active one',
      ),
    samples: z
      .array(z.unknown())
      .min(1)
      .max(maxSamples)
      .optional()
      .describe('Source records to map, as the source API gives them'),
    recent: z
      .number()
      .int()
      .min(1)
      .max(maxSamples)
      .optional()
      .describe("Or map the stored snapshots of the flow's n most recent records (one per source record)"),
    idPath: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('With samples: the source path of each id, e.g. ID'),
    withInput: z
      .boolean()
      .optional()
      .describe(
        'Answer each source record as it was mapped too (a stored one as stored: redacted stays redacted)',
      ),
  })
  .refine((b) => (b.samples === undefined) !== (b.recent === undefined), {
    message: 'give either samples or recent',
  });

const previewResult = z.object({
  index: z.number().int(),
  sourceId: z.string().optional(),
  recordId: z.string().optional().describe('With recent: the record the snapshot comes from'),
  label: z.string().nullable().optional().describe('With recent: how people know the record'),
  purged: z
    .boolean()
    .optional()
    .describe("With recent: the payload retention emptied the record's snapshot; nothing was mapped"),
  redactedFields: z
    .array(z.string())
    .optional()
    .describe('Source fields the redaction list kept out of the stored snapshot; they map as [redacted]'),
  output: z.record(z.string(), z.unknown()).describe('The target payload the mapping makes'),
  errors: z.array(fieldError),
  changes: z
    .array(z.object({ path: z.string(), before: z.unknown(), after: z.unknown() }))
    .optional()
    .describe('With a proposed mapping: per output field, the active mapping’s value and the proposed one'),
  input: z.unknown().optional().describe('With withInput: the source record that was mapped'),
});

const previewAnswer = z
  .object({
    flowId: z.string(),
    activeVersion: z.number().int(),
    proposed: z.boolean().describe('A proposed mapping was previewed (else the active one)'),
    results: z.array(previewResult),
    errorCount: z.number().int().describe('Field errors over all samples'),
    compileErrors: z.array(fieldError).optional().describe('The active mapping does not compile'),
  })
  .meta({ id: 'MappingPreview' });

/** What a mapping makes of sample or recent records; writes nothing. */
export const mappingPreviewRoute: ApiRoute = (server, ctx) => {
  server.post(
    '/api/flows/:id/mapping/preview',
    {
      config: { access: 'viewer' },
      schema: {
        summary: 'Preview a mapping on sample records or on recent real ones',
        description:
          'Maps the given samples, or the stored snapshots of the flow’s most recent records (redacted fields stay ' +
          'redacted; a record whose payloads the retention purged is listed as `purged`), with the active mapping ' +
          'or a proposed one, and shows per record the output, its field errors and, for a proposed mapping, how ' +
          'the output differs from the active version’s. Writes nothing, so a viewer may use it.',
        tags: ['mappings'],
        params: idParams,
        body: previewBody,
        response: responses({ 200: previewAnswer }),
      },
    },
    async (req) => {
      const flow = await scopedFlow(ctx, req, req.params.id);
      let mapping;
      if (req.body.mapping !== undefined) {
        const checked = validateMapping(req.body.mapping, ['mapping']);
        if (!checked.ok) throw invalidMappingError(checked.errors);
        mapping = checked.definition;
      }
      return previewFlowMapping(ctx.app.engine, flow, {
        mapping,
        samples: req.body.samples,
        recent: req.body.recent,
        idPath: req.body.idPath,
        withInput: req.body.withInput,
      });
    },
  );
};
