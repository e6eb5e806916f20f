import type { ZodType } from 'zod';

/** An app connections can be made to: its settings and the credential fields it stores encrypted. */
export interface AppDescriptor {
  app: string;
  title: string;
  /** Names of credential fields; they are encrypted at rest and never exported. */
  credentialFields: readonly string[];
  settingsSchema: ZodType<Record<string, unknown>>;
}
