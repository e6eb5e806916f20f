import type { AsperionClient } from '../../connectors/asperion/asperion-client.js';
import type { ChangeCheckpoint } from '../../connectors/asperion/changed-since.js';
import type { Debtor } from '../../connectors/asperion/resource-types.js';
import { KoppelError } from '../../core/errors.js';
import type { SourcePage } from '../../engine/types.js';

export type DebtorRecord = Debtor & Record<string, unknown>;

/** `Asperion debtor 10023 (Jansen BV, id 17)`. */
export function describeDebtor(record: DebtorRecord): string {
  // A blank name says nothing: leave it out rather than print "(   , id 7)".
  const name = typeof record.name === 'string' && record.name.trim() !== '' ? `${record.name}, ` : '';
  return `Asperion debtor ${record.customerNumber ?? '?'} (${name}id ${record.id})`;
}

/** What people look a debtor up by besides its label: number, e-mail, name, contact person. */
export function debtorSearchKeys(record: DebtorRecord): Array<string | null | undefined> {
  return [record.customerNumber, record.emailAddress, record.name, record.attentionTo];
}

function parseCursor(cursor: string | null): ChangeCheckpoint | null {
  if (cursor === null) return null;
  try {
    const parsed = JSON.parse(cursor) as ChangeCheckpoint;
    if (typeof parsed === 'object' && parsed !== null && Array.isArray(parsed.seen)) return parsed;
  } catch {
    // fall through
  }
  throw new KoppelError(
    'The customers flow cursor is not a change checkpoint; reset it with `koppel cursor reset <flow>` (or DELETE /api/flows/{id}/cursor)',
    {
      code: 'customers.bad_cursor',
      kind: 'invalid',
    },
  );
}

/**
 * Debtors changed since the cursor (Asperion's `DateLastChange_from`; it has no webhooks), one page
 * at a time, each with the checkpoint (JSON) to resume from once the page is handled. The first run
 * (no cursor) reads every debtor.
 */
export async function* readDebtors(
  client: AsperionClient,
  cursor: string | null,
  pageSize: number,
): AsyncGenerator<SourcePage<DebtorRecord>> {
  const debtors = client.debtors as unknown as Parameters<AsperionClient['pollChanges']>[0];
  for await (const batch of client.pollChanges(debtors, parseCursor(cursor), { pageSize })) {
    yield {
      records: batch.rows as unknown as DebtorRecord[],
      cursor: JSON.stringify(batch.checkpoint),
    };
  }
}

/** The debtors as Asperion has them now (a debtor it no longer has is left out). */
export async function rereadDebtors(
  client: AsperionClient,
  records: DebtorRecord[],
): Promise<DebtorRecord[]> {
  const out: DebtorRecord[] = [];
  for (const record of records) {
    try {
      out.push((await client.debtors.get(record.id)) as DebtorRecord);
    } catch (e) {
      if (e instanceof KoppelError && e.kind === 'not_found') continue;
      throw e;
    }
  }
  return out;
}
