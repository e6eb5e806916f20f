import { z } from 'zod';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

/** Installation-wide settings a workspace file may set; the configuration gives the defaults. */
export interface InstallationSettings {
  payloadRetentionDays: number;
  metadataRetentionDays: number;
  /** Field names (any depth, case-insensitive) kept out of stored payloads. */
  redaction: string[];
}

const retentionSchema = z
  .object({ payloadDays: z.number().int().positive(), metadataDays: z.number().int().positive() })
  .partial();
const redactionSchema = z.array(z.string());

export async function readInstallationSettings(
  db: Kysely<Database>,
  defaults: { payloadRetentionDays: number; metadataRetentionDays: number },
): Promise<InstallationSettings> {
  const rows = await db
    .selectFrom('settings')
    .select(['key', 'value'])
    .where('key', 'in', ['retention', 'redaction'])
    .execute();
  const byKey = new Map(rows.map((r) => [r.key, JSON.parse(r.value) as unknown]));
  const retention = retentionSchema.safeParse(byKey.get('retention') ?? {});
  const redaction = redactionSchema.safeParse(byKey.get('redaction') ?? []);
  return {
    payloadRetentionDays:
      (retention.success ? retention.data.payloadDays : undefined) ?? defaults.payloadRetentionDays,
    metadataRetentionDays:
      (retention.success ? retention.data.metadataDays : undefined) ?? defaults.metadataRetentionDays,
    redaction: redaction.success ? redaction.data : [],
  };
}
