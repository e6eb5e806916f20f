import type { FastifyInstance } from 'fastify';
import { applyListQuery } from '../http/apply-list-query.js';
import { envelope, present } from '../http/envelope.js';
import { parseListQuery } from '../http/list-query.js';
import { msg } from '../http/messages.js';
import { ProblemError } from '../http/problem-error.js';
import type { SandboxState } from '../state/sandbox-state.js';
import type { ResourceDescriptor, SandboxRecord } from './resource-descriptor.js';
import { searchParams } from './resource-routes.js';

/** The tenants themselves (§1.4, §2.2): read-only, the ones the token's user can reach, no package needed. */
export const administrationsResource: ResourceDescriptor = {
  path: 'administrations',
  label: 'Administration',
  packages: [],
  idType: 'int',
  fields: [
    { name: 'id', type: 'int' },
    { name: 'name', type: 'string' },
    { name: 'telephoneNumber', type: 'string' },
    { name: 'email', type: 'string' },
  ],
};

export function registerAdministrationRoutes(app: FastifyInstance, state: SandboxState): void {
  const reachable = (ids: number[]): SandboxRecord[] =>
    ids.flatMap((id) => {
      const a = state.administrations.get(id)?.administration;
      return a ? [{ id: a.id, name: a.name, telephoneNumber: a.telephoneNumber, email: a.email }] : [];
    });

  app.get('/v1/administrations', async (request) => {
    const query = parseListQuery(searchParams(request), administrationsResource.fields, state.settings);
    const result = applyListQuery(reachable(request.sandbox.user?.administrationIds ?? []), query);
    const items = result.page.map((r) => present(r, administrationsResource, request, query.fields));
    return envelope(request, state.settings, query, items, result);
  });

  app.get('/v1/administrations/:id', async (request) => {
    const { id } = request.params as { id: string };
    const record = reachable(request.sandbox.user?.administrationIds ?? []).find(
      (r) => String(r['id']) === id,
    );
    if (!record) {
      throw new ProblemError({
        status: 404,
        title: msg('notFoundTitle'),
        detail: msg('recordNotFound', { resource: administrationsResource.label, id }),
      });
    }
    return present(record, administrationsResource, request);
  });
}
