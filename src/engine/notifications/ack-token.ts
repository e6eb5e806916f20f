import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SecretBox } from '../../core/secret-box.js';

/**
 * The token in a message's "acknowledge" link: an HMAC of the alert id under a key derived from
 * the installation's secret key. It lets whoever holds the message acknowledge that one alert and
 * nothing else, without signing in; every process of a fleet derives the same key.
 */
export function ackToken(box: SecretBox, alertId: string): string {
  return createHmac('sha256', box.deriveKey('alert-ack')).update(alertId).digest('base64url');
}

export function isAckToken(box: SecretBox, alertId: string, token: string): boolean {
  const expected = Buffer.from(ackToken(box, alertId));
  const given = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The acknowledge link's path (the web app's server answers it with a page and a button). */
export function ackPath(box: SecretBox, alertId: string): string {
  return `/alerts/${encodeURIComponent(alertId)}/acknowledge?token=${ackToken(box, alertId)}`;
}
