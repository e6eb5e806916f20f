import type { ZodType } from 'zod';
import { isPlainObject } from '../core/json.js';
import type { FlowRegistry } from '../engine/types.js';
import { mappingCompileErrors } from './validate-mapping.js';
import { formatPath, requiredMessage, sortErrors, type WorkspaceError } from './workspace-errors.js';
import { envVariableOf, workspaceSchema, type Workspace } from './workspace-schema.js';

export interface ValidationContext {
  registry: FlowRegistry;
  /** The environment `${env:NAME}` references are resolved from (config.env). */
  env: Readonly<Record<string, string | undefined>>;
}

export type ValidationResult = { ok: true; workspace: Workspace } | { ok: false; errors: WorkspaceError[] };

type Path = ReadonlyArray<string | number>;

/**
 * Every problem in a workspace document, not just the first: the shape (workspaceSchema), then
 * what needs the registry and the environment, on whatever parts of the document are readable.
 * Reasons name ids, apps and variable names, never a credential value.
 */
export function validateWorkspace(input: unknown, ctx: ValidationContext): ValidationResult {
  const errors: WorkspaceError[] = [];
  const parsed = workspaceSchema.safeParse(input, { error: requiredMessage });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) errors.push(issueAt([], issue));
  }
  errors.push(...checkReferences(input, ctx));
  if (parsed.success) errors.push(...checkMappingsCompile(parsed.data));
  if (errors.length > 0 || !parsed.success) return { ok: false, errors: sortErrors(errors) };
  return { ok: true, workspace: parsed.data };
}

/** Every expression of every mapping compiles (and every value map it names exists). */
function checkMappingsCompile(workspace: Workspace): WorkspaceError[] {
  return workspace.pairs.flatMap((pair, p) =>
    pair.flows.flatMap((flow, f) =>
      flow.mapping ? mappingCompileErrors(flow.mapping, ['pairs', p, 'flows', f, 'mapping']) : [],
    ),
  );
}

function issueAt(prefix: Path, issue: { path: PropertyKey[]; message: string }): WorkspaceError {
  return { path: formatPath([...prefix, ...issue.path]), reason: issue.message };
}

const listAt = (value: unknown, key: string): unknown[] =>
  isPlainObject(value) && Array.isArray(value[key]) ? (value[key] as unknown[]) : [];
const textAt = (value: unknown, key: string): string | undefined =>
  isPlainObject(value) && typeof value[key] === 'string' ? value[key] : undefined;

interface DeclaredConnection {
  pairId: string | undefined;
  app: string | undefined;
  path: string;
}

function checkReferences(input: unknown, ctx: ValidationContext): WorkspaceError[] {
  const errors: WorkspaceError[] = [];
  errors.push(...checkNotificationVariables(input, ctx));
  const pairs = listAt(input, 'pairs');
  // Connection and flow ids are unique in the whole installation, not just in their pair.
  const pairIds = new Map<string, string>();
  const connections = new Map<string, DeclaredConnection>();
  const flowIds = new Map<string, string>();
  const once = (seen: Map<string, string>, id: string | undefined, path: Path, what: string) => {
    if (id === undefined) return;
    const first = seen.get(id);
    if (first === undefined) seen.set(id, formatPath(path));
    else errors.push({ path: formatPath(path), reason: `duplicate ${what} id "${id}" (first at ${first})` });
  };

  pairs.forEach((pair, p) => {
    const pairId = textAt(pair, 'id');
    once(pairIds, pairId, ['pairs', p, 'id'], 'pair');
    listAt(pair, 'connections').forEach((connection, c) => {
      const id = textAt(connection, 'id');
      const path = ['pairs', p, 'connections', c, 'id'];
      if (id !== undefined && connections.has(id)) {
        const first = connections.get(id)?.path ?? '';
        errors.push({
          path: formatPath(path),
          reason: `duplicate connection id "${id}" (first at ${first})`,
        });
      } else if (id !== undefined) {
        connections.set(id, { pairId, app: textAt(connection, 'app'), path: formatPath(path) });
      }
      errors.push(...checkConnection(connection, ['pairs', p, 'connections', c], ctx));
    });
  });

  pairs.forEach((pair, p) => {
    const pairId = textAt(pair, 'id');
    listAt(pair, 'flows').forEach((flow, f) => {
      const path = ['pairs', p, 'flows', f];
      once(flowIds, textAt(flow, 'id'), [...path, 'id'], 'flow');
      errors.push(...checkFlow(flow, path, pairId, connections, ctx));
    });
  });
  return errors;
}

/** A webhook's URL and secret references name variables that are set, and none of Koppel's own. */
function checkNotificationVariables(input: unknown, ctx: ValidationContext): WorkspaceError[] {
  const errors: WorkspaceError[] = [];
  const notifications = isPlainObject(input) ? input.notifications : undefined;
  listAt(notifications, 'recipients').forEach((recipient, r) => {
    const webhook = isPlainObject(recipient) ? recipient.webhook : undefined;
    for (const field of ['url', 'secret'] as const) {
      const variable = envVariableOf(textAt(webhook, field));
      if (variable === null) continue;
      const path = formatPath(['notifications', 'recipients', r, 'webhook', field]);
      if (isKoppelConfiguration(variable))
        errors.push({ path, reason: `${variable} is Koppel's own configuration, never a webhook's` });
      else if (!ctx.env[variable])
        errors.push({ path, reason: `environment variable ${variable} is not set` });
    }
  });
  return errors;
}

function checkConnection(connection: unknown, path: Path, ctx: ValidationContext): WorkspaceError[] {
  const errors: WorkspaceError[] = [];
  const credentials = isPlainObject(connection) ? connection.credentials : undefined;
  if (isPlainObject(credentials)) {
    for (const [field, value] of Object.entries(credentials)) {
      const variable = envVariableOf(value);
      const env = variable === null ? undefined : ctx.env[variable];
      if (variable !== null && isKoppelConfiguration(variable)) {
        // A file applied over the API must not lift the master key or the database password into a
        // connection whose settings (its base URL) the same file chooses.
        errors.push({
          path: formatPath([...path, 'credentials', field]),
          reason: `${variable} is Koppel's own configuration, never a connection's credential`,
        });
      } else if (variable !== null && (env === undefined || env === '')) {
        errors.push({
          path: formatPath([...path, 'credentials', field]),
          reason: `environment variable ${variable} is not set`,
        });
      }
    }
  }
  const app = textAt(connection, 'app');
  if (app === undefined) return errors;
  const descriptor = ctx.registry.apps.get(app);
  if (!descriptor) {
    errors.push({
      path: formatPath([...path, 'app']),
      reason: `unknown app "${app}"; ${known('apps', ctx.registry.apps)}`,
    });
    return errors;
  }
  const settings = isPlainObject(connection) ? connection.settings : undefined;
  errors.push(...checkSettings(settings, descriptor.settingsSchema, [...path, 'settings']));
  if (isPlainObject(settings)) {
    for (const key of Object.keys(settings)) {
      if (descriptor.credentialFields.includes(key)) {
        errors.push({
          path: formatPath([...path, 'settings', key]),
          reason: `is a credential of ${app}; put it under credentials as an \${env:NAME} reference`,
        });
      }
    }
  }
  if (isPlainObject(credentials)) {
    for (const field of Object.keys(credentials)) {
      if (!descriptor.credentialFields.includes(field)) {
        errors.push({
          path: formatPath([...path, 'credentials', field]),
          reason: `${app} has no credential field "${field}"; it takes ${descriptor.credentialFields.join(', ') || 'none'}`,
        });
      }
    }
  }
  return errors;
}

/**
 * One flow as a file would declare it (`kind`, `source`, `target`, `settings`), in pair `pairId`
 * whose stored connections are given: the checks a workspace file's flows get, for a flow created
 * or changed through the API. Paths are relative to the flow (`settings.pageSize`, `source`).
 */
export function checkFlowDeclaration(
  flow: unknown,
  pairId: string,
  connections: ReadonlyArray<{ id: string; pairId: string; app: string }>,
  registry: FlowRegistry,
): WorkspaceError[] {
  const declared = new Map(
    connections.map((c) => [c.id, { pairId: c.pairId, app: c.app, path: c.id } satisfies DeclaredConnection]),
  );
  return sortErrors(checkFlow(flow, [], pairId, declared, { registry, env: {} }));
}

function checkFlow(
  flow: unknown,
  path: Path,
  pairId: string | undefined,
  connections: ReadonlyMap<string, DeclaredConnection>,
  ctx: ValidationContext,
): WorkspaceError[] {
  const errors: WorkspaceError[] = [];
  const kindName = textAt(flow, 'kind');
  const kind = kindName === undefined ? undefined : ctx.registry.kinds.get(kindName);
  if (kindName !== undefined && !kind) {
    errors.push({
      path: formatPath([...path, 'kind']),
      reason: `unknown flow kind "${kindName}"; ${known('kinds', ctx.registry.kinds)}`,
    });
  }
  if (kind) {
    const settings = isPlainObject(flow) ? flow.settings : undefined;
    errors.push(...checkSettings(settings, kind.settingsSchema, [...path, 'settings']));
  }
  for (const role of ['source', 'target'] as const) {
    const ref = textAt(flow, role);
    if (ref === undefined) continue;
    const where = formatPath([...path, role]);
    const connection = connections.get(ref);
    if (!connection) {
      errors.push({ path: where, reason: `no connection "${ref}" in pair "${pairId ?? '?'}"` });
    } else if (connection.pairId !== pairId) {
      errors.push({
        path: where,
        reason: `connection "${ref}" belongs to pair "${connection.pairId ?? '?'}"; a flow connects connections of its own pair`,
      });
    } else if (kind && connection.app !== undefined && ctx.registry.apps.has(connection.app)) {
      // An unknown app is reported at the connection; a wrong-app error here would only repeat it.
      const wanted = role === 'source' ? kind.sourceApp : kind.targetApp;
      if (connection.app !== wanted) {
        errors.push({
          path: where,
          reason: `connection "${ref}" is a connection to ${connection.app}; flows of kind ${kind.kind} ${role === 'source' ? 'read from' : 'write to'} ${wanted}`,
        });
      }
    }
  }
  return errors;
}

/** Settings are checked by the app's or kind's own schema; missing settings count as `{}`. */
function checkSettings(settings: unknown, schema: ZodType, path: Path): WorkspaceError[] {
  if (settings !== undefined && !isPlainObject(settings)) return []; // the shape check reports it
  const result = schema.safeParse(settings ?? {}, { error: requiredMessage });
  return result.success ? [] : result.error.issues.map((issue) => issueAt(path, issue));
}

/** Variables Koppel itself is configured with (its secret key, its database). */
function isKoppelConfiguration(variable: string): boolean {
  return variable.startsWith('KOPPEL_') || variable === 'DATABASE_URL';
}

function known(what: string, names: ReadonlyMap<string, unknown>): string {
  return names.size === 0
    ? `this installation has no ${what}`
    : `known ${what}: ${[...names.keys()].join(', ')}`;
}
