import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requirePackage } from '../http/api-guard.js';
import { applyListQuery } from '../http/apply-list-query.js';
import { envelope, present } from '../http/envelope.js';
import { FieldErrors } from '../http/field-errors.js';
import { parseListQuery } from '../http/list-query.js';
import { msg } from '../http/messages.js';
import { ProblemError } from '../http/problem-error.js';
import { requireData } from '../http/request-context.js';
import type { SandboxState } from '../state/sandbox-state.js';
import { createRecord } from './create-record.js';
import { updateRecord } from './update-record.js';
import type { ResourceDescriptor, SandboxRecord } from './resource-descriptor.js';

/** GET list, GET one and (when the descriptor has create) POST for one resource, all generic. */
export function registerResourceRoutes(
  app: FastifyInstance,
  state: SandboxState,
  resource: ResourceDescriptor,
): void {
  const base = `/v1/${resource.path}`;
  const table = resource.table ?? resource.path;

  app.get(base, async (request) => {
    requirePackage(request, resource, state);
    const params = searchParams(request);
    const errors = new FieldErrors();
    const all = requireData(request).list(table);
    const scoped = resource.listScope ? resource.listScope(all, params, errors) : all;
    errors.throwIfAny(state.settings.validationStatus);
    const query = parseListQuery(params, resource.fields, state.settings, resource.extraParams);
    const result = applyListQuery(scoped, query);
    const items = result.page.map((r) => present(r, resource, request, query.fields));
    return envelope(request, state.settings, query, items, result);
  });

  app.get(`${base}/:id`, async (request) => {
    requirePackage(request, resource, state);
    const { id } = request.params as { id: string };
    const record = findById(requireData(request).list(table), id, resource.idType);
    if (!record) {
      throw new ProblemError({
        status: 404,
        title: msg('notFoundTitle'),
        detail: msg('recordNotFound', { resource: resource.label, id }),
      });
    }
    return present(record, resource, request);
  });

  if (!resource.create) return;
  if (resource.updatable) registerUpdateRoutes(app, state, resource);
  app.post(base, async (request, reply) => {
    requirePackage(request, resource, state);
    const validateOnly = isValidateOnly(searchParams(request));
    const record = createRecord(state, requireData(request), resource, request.body, validateOnly);
    // §6.3: validateOnly answers 200 with the would-be object (no id), or 204 by setting.
    if (validateOnly && state.settings.validateOnlyStatus === 204) return reply.code(204).send();
    const status = validateOnly ? 200 : state.settings.createStatus;
    return reply.code(status).send(present(record, resource, request));
  });
}

function registerUpdateRoutes(app: FastifyInstance, state: SandboxState, resource: ResourceDescriptor): void {
  const table = resource.table ?? resource.path;
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const verb = request.method === 'PATCH' ? 'patch' : 'put';
    if (state.settings.updates !== verb) {
      throw new ProblemError({ status: 405, title: msg('methodNotAllowedTitle') });
    }
    requirePackage(request, resource, state);
    const data = requireData(request);
    const { id } = request.params as { id: string };
    const existing = findById(data.list(table), id, resource.idType);
    if (!existing) {
      throw new ProblemError({
        status: 404,
        title: msg('notFoundTitle'),
        detail: msg('recordNotFound', { resource: resource.label, id }),
      });
    }
    const validateOnly = isValidateOnly(searchParams(request));
    const record = updateRecord(state, data, resource, existing, request.body, validateOnly);
    if (validateOnly && state.settings.validateOnlyStatus === 204) return reply.code(204).send();
    return reply.code(200).send(present(record, resource, request));
  };
  app.put(`/v1/${resource.path}/:id`, handler);
  app.patch(`/v1/${resource.path}/:id`, handler);
}

export function searchParams(request: FastifyRequest): URLSearchParams {
  const query = request.url.indexOf('?');
  return new URLSearchParams(query === -1 ? '' : request.url.slice(query + 1));
}

function isValidateOnly(params: URLSearchParams): boolean {
  for (const [k, v] of params) if (k.toLowerCase() === 'validateonly') return v.toLowerCase() === 'true';
  return false;
}

function findById(records: SandboxRecord[], id: string, idType: 'int' | 'string'): SandboxRecord | undefined {
  if (idType === 'int' && !/^\d+$/.test(id)) return undefined;
  return records.find((r) => String(r['id']).toLowerCase() === id.toLowerCase());
}
