import { z } from 'zod';
import { hasChanges } from '../../workspace/apply-summary.js';
import { applyWorkspace } from '../../workspace/apply-workspace.js';
import { auditWorkspaceApply } from '../../workspace/audit-workspace-apply.js';
import { exportWorkspace, exportWorkspaceDocument } from '../../workspace/export-workspace.js';
import { parseWorkspaceText } from '../../workspace/read-workspace.js';
import { invalidWorkspaceError, type WorkspaceError } from '../../workspace/workspace-errors.js';
import { isKoppelError, KoppelError } from '../../core/errors.js';
import { errorResponses, principalOf, responses, type ApiRoute } from '../route-kit.js';

const workspaceDocument = z.record(z.string(), z.unknown()).meta({
  id: 'WorkspaceDocument',
  description:
    'The workspace file as JSON (README, "Configuration as a file"): `version`, `settings`, `pairs` with their ' +
    'connections and flows; credentials only as `${env:NAME}` references.',
});

const ids = z.array(z.string());
const objectChanges = z.object({ created: ids, updated: ids, unchanged: ids, deleted: ids });

const applySummary = z
  .object({
    dryRun: z.boolean().describe('Nothing was written: this is what applying would do'),
    prune: z.boolean(),
    changed: z.boolean().describe('Anything was (or would be) created, updated or deleted'),
    changes: z
      .object({
        pairs: objectChanges,
        connections: objectChanges,
        flows: objectChanges,
        mappings: objectChanges.describe('Mapping versions, as `<flow> v<n>`; versions are never deleted'),
        settings: objectChanges,
      })
      .describe('Ids per object type and change'),
  })
  .meta({ id: 'ApplySummary' });

/** The workspace file over HTTP: `koppel export` and `koppel apply -f`. Installation-wide. */
export const workspaceRoute: ApiRoute = (server, ctx) => {
  server.get(
    '/api/workspace',
    {
      config: { access: 'owner', installationWide: true },
      schema: {
        summary: 'The configuration as a workspace file (koppel export)',
        description:
          'Every pair, connection, flow, mapping (the active version) and installation setting; credentials as the ' +
          '`${env:NAME}` references they were applied from, never values. JSON by default, `?format=yaml` as ' +
          '`text/yaml`. Applying it changes nothing. Needs an owner without a pair scope.',
        tags: ['settings'],
        querystring: z.object({ format: z.enum(['json', 'yaml']).default('json') }),
        response: {
          ...errorResponses,
          200: {
            description: 'The workspace file',
            content: {
              'application/json': { schema: workspaceDocument },
              'text/yaml': { schema: z.string() },
            },
          },
        },
      },
    },
    async (req, reply) => {
      if (req.query.format === 'yaml')
        return reply
          .type('text/yaml; charset=utf-8')
          .send(await exportWorkspace(ctx.app.store.db, 'yaml', ctx.app.box));
      return reply.send(await exportWorkspaceDocument(ctx.app.store.db, ctx.app.box));
    },
  );

  server.post(
    '/api/workspace',
    {
      config: { access: 'owner', installationWide: true },
      schema: {
        summary: 'Apply a workspace file (koppel apply -f)',
        description:
          'Makes the configuration what the file says, in one transaction; `prune` also deletes what it leaves out. ' +
          'An invalid file changes nothing and answers 400 with every problem at its place in `details.errors` ' +
          '(`pairs[0].flows[0].source: …`). `dryRun` answers what would change and writes nothing. ' +
          "`${env:NAME}` credentials are resolved from the server's environment, as on `koppel start`. " +
          'Needs an owner without a pair scope.',
        tags: ['settings'],
        body: z
          .object({
            workspace: workspaceDocument.optional().describe('The file as a JSON object'),
            yaml: z.string().max(1_000_000).optional().describe('Or the file as YAML (or JSON) text'),
            dryRun: z.boolean().optional().describe('Say what would change; write nothing'),
            prune: z
              .boolean()
              .optional()
              .describe('Delete pairs, connections, flows and settings it leaves out'),
          })
          .refine((b) => (b.workspace === undefined) !== (b.yaml === undefined), {
            message: 'give either workspace or yaml',
          }),
        response: responses({ 200: applySummary }),
      },
    },
    async (req) => {
      const { app } = ctx;
      let document: unknown = req.body.workspace;
      if (req.body.yaml !== undefined) {
        const parsed = parseWorkspaceText(req.body.yaml);
        if (!parsed.ok) throw oneSentence(invalidWorkspaceError(parsed.errors));
        document = parsed.document;
      }
      const summary = await applyWorkspace({ ...app, env: app.config.env }, document, {
        prune: req.body.prune === true,
        dryRun: req.body.dryRun === true,
      }).catch((e: unknown) => {
        throw isKoppelError(e) && e.code === 'workspace.invalid' ? oneSentence(e) : e;
      });
      await auditWorkspaceApply(app.store.db, app.clock, principalOf(req), summary, req.ip);
      return { ...summary, changed: hasChanges(summary) };
    },
  );
};

/** The CLI prints a file's problems one per line; an API message is one sentence (the list is in details). */
function oneSentence(e: KoppelError): KoppelError {
  const errors = (e.details?.errors ?? []) as WorkspaceError[];
  const count = errors.length === 1 ? '1 error' : `${errors.length} errors`;
  return new KoppelError(
    `The workspace file has ${count}: ${errors.map((x) => `${x.path}: ${x.reason}`).join('; ')}`,
    { code: e.code, kind: e.kind, details: e.details },
  );
}
