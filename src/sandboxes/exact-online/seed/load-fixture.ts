import { z } from 'zod';
import { toAmsterdamWallClock } from '../amsterdam-time.js';
import { findEntity } from '../entities/entity-catalog.js';
import { childFieldLists } from '../entities/entity-descriptor.js';
import { createRecord } from '../entities/entity-store.js';
import { readWriteBody } from '../entities/input-values.js';
import { ODataError } from '../odata-error.js';
import type { SandboxState } from '../sandbox-state.js';
import { SandboxFixtureError } from '../../types.js';

/**
 * Rows to load, per division code and endpoint path, in the order given (so orders can follow the
 * accounts and items they reference). Each row is a POST body of that endpoint.
 */
export const exactFixtureSchema = z.strictObject({
  divisions: z.record(
    z.string().regex(/^\d+$/, 'a division code'),
    z.record(z.string(), z.array(z.record(z.string(), z.unknown()))),
  ),
});
export type ExactFixture = z.infer<typeof exactFixtureSchema>;

/** A fixture row the sandbox refused, named by where it is in the fixture. */
export class FixtureError extends SandboxFixtureError {
  constructor(
    readonly where: string,
    reason: string,
  ) {
    super(`${where}: ${reason}`);
  }
}

/**
 * Create every fixture row through the same rules as a POST (mandatory fields, references, unique
 * codes, read-only fields ignored). Rows before a refused one stay loaded; the error names the row.
 */
export function loadFixture(state: SandboxState, fixture: ExactFixture): { created: number } {
  const now = toAmsterdamWallClock(state.clock.now());
  let created = 0;
  for (const [code, endpoints] of Object.entries(fixture.divisions)) {
    const data = state.division(Number(code));
    if (!data) throw new FixtureError(`divisions.${code}`, 'no such division in the sandbox');
    for (const [path, rows] of Object.entries(endpoints)) {
      const entity = findEntity(path);
      if (!entity) throw new FixtureError(`divisions.${code}["${path}"]`, 'no such endpoint in the sandbox');
      const children = childFieldLists(entity);
      rows.forEach((row, index) => {
        const where = `divisions.${code}["${path}"][${index}]`;
        const unknown = Object.keys(row).filter(
          (name) =>
            name !== '__metadata' &&
            !entity.fields.scalars.some((f) => f.name === name) &&
            !children.has(name) &&
            !entity.fields.collections.has(name),
        );
        if (unknown.length > 0) throw new FixtureError(where, `unknown field(s) ${unknown.join(', ')}`);
        try {
          const input = readWriteBody(row, entity.fields, 'POST', state.settings, children);
          createRecord(entity, data, input, now, state.settings);
          created += 1;
        } catch (error) {
          if (error instanceof ODataError) throw new FixtureError(where, error.message);
          throw error;
        }
      });
    }
  }
  return { created };
}
