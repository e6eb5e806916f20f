import { z } from 'zod';
import {
  flowMappingVersionDetail,
  listFlowMappingVersions,
  mappingPublishAction,
} from '../../workspace/mapping-versions.js';
import { publishMapping } from '../../workspace/publish-mapping.js';
import { audit, responses, type ApiRoute } from '../route-kit.js';
import { idParams } from '../schemas.js';
import { scopedFlow } from '../scoped-flow.js';
import { mappingDiff, mappingVersion, mappingVersionSummary } from './mapping-schemas.js';

const published = z
  .object({
    flowId: z.string(),
    version: z.number().int().describe('The active version now'),
    previousVersion: z.number().int().describe('The version that was active before (0: the default)'),
    created: z.boolean().describe('False when the definition equals the active one: no version was added'),
    diff: mappingDiff.describe('What changed against the version that was active before'),
  })
  .meta({ id: 'PublishedMapping' });

/** A flow's mapping: the active one, its versions with their diffs, and publishing a new one. */
export const mappingsRoute: ApiRoute = (server, ctx) => {
  const deps = ctx.app.engine;

  server.get(
    '/api/flows/:id/mapping',
    {
      config: { access: 'viewer' },
      schema: {
        summary: "A flow's active mapping",
        description:
          "The definition new runs use and its version (0: the flow kind's default, which a flow without a version of its own runs with), with its diff against the version before it.",
        tags: ['mappings'],
        params: idParams,
        response: responses({ 200: mappingVersion }),
      },
    },
    async (req) => {
      const flow = await scopedFlow(ctx, req, req.params.id);
      return flowMappingVersionDetail(deps, flow, flow.mappingVersion ?? 0);
    },
  );

  server.get(
    '/api/flows/:id/mapping/versions',
    {
      config: { access: 'viewer' },
      schema: {
        summary: "Every stored version of a flow's mapping",
        description: 'Newest first, each with when and by whom it was published (from the audit log).',
        tags: ['mappings'],
        params: idParams,
        response: responses({
          200: z.object({
            items: z.array(mappingVersionSummary),
            activeVersion: z.number().int().describe("The version runs use now (0: the kind's default)"),
          }),
        }),
      },
    },
    async (req) => {
      const flow = await scopedFlow(ctx, req, req.params.id);
      return { items: await listFlowMappingVersions(deps, flow), activeVersion: flow.mappingVersion ?? 0 };
    },
  );

  server.get(
    '/api/flows/:id/mapping/versions/:version',
    {
      config: { access: 'viewer' },
      schema: {
        summary: 'One version of a mapping, with its diff against the version before it',
        description: "Version 0 is the flow kind's default mapping; version 1 is compared with it.",
        tags: ['mappings'],
        params: idParams.extend({ version: z.coerce.number().int().min(0).max(1_000_000) }),
        response: responses({ 200: mappingVersion }),
      },
    },
    async (req) => {
      const flow = await scopedFlow(ctx, req, req.params.id);
      return flowMappingVersionDetail(deps, flow, req.params.version);
    },
  );

  server.post(
    '/api/flows/:id/mapping',
    {
      config: { access: 'owner' },
      schema: {
        summary: 'Publish a new version of a mapping',
        description:
          'Checked exactly as a workspace file checks mappings (paths, value maps, every expression compiles); ' +
          'an invalid one answers 400 with every problem at its place in `details.errors` ' +
          '(`mapping.fields.email.expr: …`) and changes nothing. The new version is active at once; ' +
          'a definition equal to the active one adds no version (200, `created: false`). ' +
          'With `baseVersion`, a publish is refused (409) when another version became active since.',
        tags: ['mappings'],
        params: idParams,
        body: z.object({
          mapping: z
            .record(z.string(), z.unknown())
            .describe('The new definition, in the shape of MappingDefinition'),
          baseVersion: z
            .number()
            .int()
            .min(0)
            .optional()
            .describe('The version this one was made from; 409 if another version is active now'),
        }),
        response: responses({ 200: published, 201: published }),
      },
    },
    async (req, reply) => {
      const flow = await scopedFlow(ctx, req, req.params.id);
      const result = await publishMapping(ctx.app, {
        flowId: flow.id,
        mapping: req.body.mapping,
        baseVersion: req.body.baseVersion,
      });
      if (result.created)
        await audit(ctx, req, {
          action: mappingPublishAction,
          target: { kind: 'flow', id: flow.id },
          pairId: flow.pairId,
          details: { version: result.version, previousVersion: result.previousVersion },
        });
      const { pairId: _pair, ...body } = result;
      return reply.status(result.created ? 201 : 200).send(body);
    },
  );
};
