import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { listConnections, type Connection } from '../store/repos/connections.js';
import { listFlows, type Flow } from '../store/repos/flows.js';
import { listPairs, type Pair } from '../store/repos/pairs.js';
import type { WorkspaceError } from './workspace-errors.js';
import type { Workspace } from './workspace-schema.js';

/** The configuration as stored, read once at the start of an apply (configuration is small). */
export interface StoredConfiguration {
  pairs: ReadonlyMap<string, Pair>;
  connections: ReadonlyMap<string, Connection>;
  flows: ReadonlyMap<string, Flow>;
}

export async function loadStoredConfiguration(db: Kysely<Database>): Promise<StoredConfiguration> {
  const byId = <T extends { id: string }>(rows: T[]) => new Map(rows.map((r) => [r.id, r]));
  return {
    pairs: byId(await listPairs(db)),
    connections: byId(await listConnections(db)),
    flows: byId(await listFlows(db)),
  };
}

/**
 * What a valid file still may not do to the stored configuration: move a connection or flow to
 * another pair, change a connection's app or a flow's kind. Cursors, links and run history hang
 * off these ids, so such a change is a new object with a new id.
 */
export function conflictsWithStore(workspace: Workspace, stored: StoredConfiguration): WorkspaceError[] {
  const errors: WorkspaceError[] = [];
  workspace.pairs.forEach((pair, p) => {
    pair.connections.forEach((connection, c) => {
      const existing = stored.connections.get(connection.id);
      const at = `pairs[${p}].connections[${c}]`;
      if (existing && existing.pairId !== pair.id) {
        errors.push({ path: `${at}.id`, reason: movedReason('connection', connection.id, existing.pairId) });
      } else if (existing && existing.app !== connection.app) {
        errors.push({
          path: `${at}.app`,
          reason: `connection "${connection.id}" is stored as a connection to ${existing.app}; its app cannot change (give it a new id)`,
        });
      }
    });
    pair.flows.forEach((flow, f) => {
      const existing = stored.flows.get(flow.id);
      const at = `pairs[${p}].flows[${f}]`;
      if (existing && existing.pairId !== pair.id) {
        errors.push({ path: `${at}.id`, reason: movedReason('flow', flow.id, existing.pairId) });
      } else if (existing && existing.kind !== flow.kind) {
        errors.push({
          path: `${at}.kind`,
          reason: `flow "${flow.id}" is stored as a flow of kind ${existing.kind}; its kind cannot change (give it a new id)`,
        });
      }
    });
  });
  return errors;
}

function movedReason(what: string, id: string, storedPair: string): string {
  return `${what} "${id}" already exists in pair "${storedPair}"; ids are unique in the installation and an object cannot move to another pair`;
}
