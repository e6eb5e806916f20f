import type { Tenant } from '../../connectors/kit/app-descriptor.js';
import type { OAuthOutcome } from '../../store/repos/oauth-states.js';

/** What came back from the provider's consent page (the query of `/oauth/callback`). */
export interface CallbackInput {
  state: string | undefined;
  code: string | undefined;
  error: string | undefined;
  errorDescription: string | undefined;
  /** The user of the browser session the callback came with; null: none. */
  browserUserId: string | null;
  /** The browser's address, for the audit log. */
  ip: string | null;
}

/** What the callback made of it: one sentence for the person, and what the page shows. */
export interface AuthorizationOutcome {
  outcome: OAuthOutcome;
  /** The HTTP status of the page that says it. */
  httpStatus: number;
  code: string;
  message: string;
  connectionId: string | null;
  appTitle: string | null;
  account: string | null;
  tenantNoun: string | null;
  tenant: Tenant | null;
  /** What the grant reaches, when known. */
  tenants: Tenant[];
}

const nothing: Pick<AuthorizationOutcome, 'appTitle' | 'account' | 'tenantNoun' | 'tenant' | 'tenants'> = {
  appTitle: null,
  account: null,
  tenantNoun: null,
  tenant: null,
  tenants: [],
};

/** An outcome that connected nothing. */
export function failed(
  httpStatus: number,
  code: string,
  message: string,
  connectionId: string | null,
): AuthorizationOutcome {
  return { outcome: 'failed', httpStatus, code, message, connectionId, ...nothing };
}
