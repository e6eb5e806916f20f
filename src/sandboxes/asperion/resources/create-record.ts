import { formatApiDateTime } from '../domain/api-date.js';
import { FieldErrors } from '../http/field-errors.js';
import { msg } from '../http/messages.js';
import { ProblemError } from '../http/problem-error.js';
import type { AdministrationData } from '../state/administration-data.js';
import type { SandboxState } from '../state/sandbox-state.js';
import { readInput } from './read-input.js';
import type { ResourceDescriptor, SandboxRecord } from './resource-descriptor.js';

/**
 * The whole create path of a resource, shared by POST routes, the demo seed and the control API so
 * that every record obeys the same rules. With `validateOnly` nothing is stored and no id is given.
 */
export function createRecord(
  state: SandboxState,
  data: AdministrationData,
  resource: ResourceDescriptor,
  body: unknown,
  validateOnly = false,
): SandboxRecord {
  const create = resource.create;
  if (!create) throw new Error(`${resource.path} is read-only`);
  const raw = objectBody(state, body);
  const errors = new FieldErrors();
  const conflicts = new FieldErrors();
  const typed = readInput(raw, resource.fields, errors);
  const ctx = {
    data,
    settings: state.settings,
    clock: state.clock,
    errors,
    conflicts,
    body: raw,
    existing: undefined,
  };
  const record = create(typed, ctx);
  errors.throwIfAny(state.settings.validationStatus);
  conflicts.throwIfAny(state.settings.duplicateStatus);
  const now = formatApiDateTime(state.clock.now());
  for (const stamp of ['dateAdded', 'dateLastChange']) {
    if (resource.fields.some((f) => f.name === stamp)) record[stamp] = now;
  }
  if (validateOnly) {
    const { id: _unused, ...wouldBe } = record;
    return wouldBe;
  }
  const table = resource.table ?? resource.path;
  if (record['id'] === undefined) record['id'] = data.nextId(table);
  resource.beforeStore?.(record, data);
  return data.put(table, record);
}

/** A create or update body must be a JSON object; anything else is a ProblemDetails 400. */
export function objectBody(state: SandboxState, body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ProblemError({
      status: state.settings.validationStatus,
      title: msg('validationTitle'),
      errors: { $: [msg('badBody')] },
    });
  }
  return body as Record<string, unknown>;
}
