import { updateConnection } from '../../store/repos/connections.js';
import { tokenCredentialFields } from '../connection-readiness.js';
import type { EngineDeps } from '../deps.js';
import { withLease } from '../with-lease.js';
import { connectionRow, credentialsOf, oauthOf } from './connection-access.js';

/**
 * Forget a connection's token pair (disconnect): it becomes `needs_authorization` and its flows
 * wait. The client and webhook secrets and the chosen tenant stay, so a new authorization is all
 * it takes to go on. Nothing is revoked at the provider (neither documents a revocation call).
 * Under the credential lock, so a refresh under way cannot store a pair after it was forgotten.
 */
export async function forgetAuthorization(deps: EngineDeps, connectionId: string): Promise<void> {
  oauthOf(deps, await connectionRow(deps, connectionId));
  await withLease(deps, `credentials:${connectionId}`, async () => {
    const credentials = credentialsOf(deps, await connectionRow(deps, connectionId));
    for (const field of tokenCredentialFields) delete credentials[field];
    await updateConnection(
      deps.store.db,
      connectionId,
      {
        encryptedCredentials: Object.keys(credentials).length > 0 ? deps.box.encryptJson(credentials) : null,
        status: 'needs_authorization',
        pausedReason: null,
        pausedAt: null,
        authorizedAt: null,
        authorizedAccount: null,
      },
      deps.clock.now().toISOString(),
    );
  });
}
