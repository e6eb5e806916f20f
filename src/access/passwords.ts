import { hash, verify } from '@node-rs/argon2';
import { KoppelError } from '../core/errors.js';

/**
 * Passwords are hashed with argon2id at the library's defaults (19 MiB, 2 passes, OWASP's
 * minimum for argon2id), so a stolen database costs an attacker memory per guess, not just time.
 */
export const passwordRules = { minLength: 10, maxLength: 256 } as const;

export function checkPasswordRules(password: string): void {
  if (password.length < passwordRules.minLength || password.length > passwordRules.maxLength)
    throw new KoppelError(
      `A password must have ${passwordRules.minLength} to ${passwordRules.maxLength} characters`,
      { code: 'auth.weak_password', kind: 'invalid', details: { field: 'password' } },
    );
}

// The library's `Algorithm.Argon2id`, a const enum that isolated modules cannot import.
const argon2id = 2;

export function hashPassword(password: string): Promise<string> {
  return hash(password, { algorithm: argon2id });
}

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

// A real hash to verify against when the account does not exist, so a wrong e-mail address takes
// as long as a wrong password and the answer's timing does not tell which accounts exist.
let decoy: Promise<string> | undefined;
export async function verifyAgainstDecoy(password: string): Promise<false> {
  decoy ??= hashPassword('decoy password that matches nothing');
  await verifyPassword(await decoy, password);
  return false;
}
