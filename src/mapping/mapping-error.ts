import { KoppelError } from '../core/errors.js';
import { isSourcePath } from './read-source-path.js';
import type { FieldError } from './types.js';

const maxShownExpression = 120;

/**
 * One field error as a sentence a person can act on:
 * `field "email" (source Customer.Email): required value is missing`. Long expressions are cut
 * short here; `details.errors` carries them whole.
 */
export function describeFieldError(error: FieldError): string {
  const text = error.expression.replace(/\s+/g, ' ').trim();
  const shown = text.length > maxShownExpression ? `${text.slice(0, maxShownExpression)}…` : text;
  const origin = error.origin ?? (isSourcePath(text) ? 'source' : 'expr');
  const where = origin === 'default' ? ' (default)' : shown === '' ? '' : ` (${origin} ${shown})`;
  return `field "${error.field}"${where}: ${error.message}`;
}

/**
 * The error for a record that could not be mapped, for the engine's dead letters and logs, named
 * by `label` (the flow's `describe`) or else by its source id.
 * Its code is the first field error's code (`mapping.failed` when there is none), its kind
 * `invalid`: the same record will fail again until the data or the mapping changes.
 */
export function mappingFailure(errors: FieldError[], sourceId: string, label?: string): KoppelError {
  const list = errors.length > 0 ? errors.map(describeFieldError).join('; ') : 'mapping failed';
  return new KoppelError(`${label ?? `Record ${sourceId}`}: ${list}`, {
    code: errors[0]?.code ?? 'mapping.failed',
    kind: 'invalid',
    details: { sourceId, errors },
  });
}
