import type { FastifyReply } from 'fastify';
import { KoppelError } from '../core/errors.js';
import type { SecretRegistry } from '../core/secret-registry.js';

/**
 * Aborted when the client goes away before its answer is sent, so a long read of both APIs (a
 * check, a dry run) stops spending API calls on an answer nobody will read.
 */
export function clientSignal(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.on('close', () => {
    if (!reply.raw.writableFinished)
      controller.abort(
        new KoppelError('The client went away', { code: 'http.client_gone', kind: 'transient' }),
      );
  });
  return controller.signal;
}

/**
 * `value` without any secret this process knows: an answer built from a provider's error texts
 * (a check, a dry run) gets the scrubbing the logger gives every line. The JSON text is scrubbed,
 * then read back: the replacement is plain text, so the JSON stays valid.
 */
export function scrubbed<T>(secrets: SecretRegistry, value: T): T {
  return JSON.parse(secrets.scrub(JSON.stringify(value))) as T;
}
