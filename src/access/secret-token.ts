import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * A random token (256 bits) and the SHA-256 under which it is stored. Tokens are never stored
 * themselves: whoever reads the database cannot sign in, use an API token or finish an OAuth
 * consent with what it finds.
 */
export function newSecretToken(prefix = ''): { token: string; hash: string } {
  const token = `${prefix}${randomBytes(32).toString('base64url')}`;
  return { token, hash: hashSecretToken(token) };
}

export function hashSecretToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
