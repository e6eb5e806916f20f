import { formatApiDateTime } from '../domain/api-date.js';
import { FieldErrors } from '../http/field-errors.js';
import type { AdministrationData } from '../state/administration-data.js';
import type { SandboxState } from '../state/sandbox-state.js';
import { objectBody } from './create-record.js';
import { property, readInput } from './read-input.js';
import type { ResourceDescriptor, SandboxRecord } from './resource-descriptor.js';

/**
 * Changes a stored record: the body's writable fields go over the stored ones and the create rules run
 * again on the result, so an update can never produce what a create would refuse. Read-only fields
 * (id, dateAdded, currentStock) keep their stored values; dateLastChange moves to now.
 */
export function updateRecord(
  state: SandboxState,
  data: AdministrationData,
  resource: ResourceDescriptor,
  existing: SandboxRecord,
  body: unknown,
  validateOnly: boolean,
): SandboxRecord {
  const create = resource.create;
  if (!create) throw new Error(`${resource.path} is read-only`);
  const raw = objectBody(state, body);
  const errors = new FieldErrors();
  const conflicts = new FieldErrors();
  const merged: SandboxRecord = { ...existing };
  for (const field of resource.fields) {
    const value = property(raw, field.name);
    // null clears a field, so a required one cannot be emptied unnoticed.
    if (value === null) delete merged[field.name];
    else if (value !== undefined) merged[field.name] = value;
  }
  const typed = readInput(merged, resource.fields, errors);
  const ctx = { data, settings: state.settings, clock: state.clock, errors, conflicts, body: raw, existing };
  const record = create(typed, ctx);
  errors.throwIfAny(state.settings.validationStatus);
  conflicts.throwIfAny(state.settings.duplicateStatus);
  for (const field of resource.fields)
    if (field.readOnly && !field.writableWhen?.(state.settings)) record[field.name] = existing[field.name];
  if (resource.fields.some((f) => f.name === 'dateLastChange')) {
    record['dateLastChange'] = formatApiDateTime(state.clock.now());
  }
  if (validateOnly) return record;
  for (const key of Object.keys(existing)) delete existing[key];
  return Object.assign(existing, record);
}
