import type { Kysely } from 'kysely';
import type { Clock } from '../core/clock.js';
import { emailAddressProblem } from '../core/email-address.js';
import { KoppelError } from '../core/errors.js';
import { newId } from '../core/ids.js';
import { deleteSessionsOfUser } from '../store/repos/sessions.js';
import { getUserByEmail, insertUser, listUsers, updateUser, type UserRow } from '../store/repos/users.js';
import type { Database } from '../store/schema.js';
import { checkPasswordRules, hashPassword } from './passwords.js';
import { parseScope, scopeText, type Role } from './principal.js';

/** A user as the API and the CLI show it: never the password hash. */
export interface UserView {
  id: string;
  email: string;
  name: string;
  role: Role;
  pairScope: string[] | null;
  hasPassword: boolean;
  createdAt: string;
  lastLoginAt: string | null;
  disabled: boolean;
}

export function userView(row: UserRow): UserView {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role as Role,
    pairScope: parseScope(row.pair_scope),
    hasPassword: row.password_hash !== null,
    createdAt: row.created_at,
    lastLoginAt: row.last_login_at,
    disabled: row.disabled_at !== null,
  };
}

export function normalEmail(email: string): string {
  const e = email.trim().toLowerCase();
  const problem = emailAddressProblem(e);
  if (problem !== null)
    throw new KoppelError(`"${email}" is not an e-mail address: it ${problem}`, {
      code: 'users.bad_email',
      kind: 'invalid',
      details: { field: 'email' },
    });
  return e;
}

export interface NewUser {
  email: string;
  name?: string | undefined;
  role: Role;
  pairScope?: readonly string[] | null | undefined;
  password?: string | undefined;
}

export async function addUser(db: Kysely<Database>, clock: Clock, spec: NewUser): Promise<UserRow> {
  const email = normalEmail(spec.email);
  if (await getUserByEmail(db, email))
    throw new KoppelError(`There is already a user ${email}`, { code: 'users.exists', kind: 'conflict' });
  if (spec.password !== undefined) checkPasswordRules(spec.password);
  const at = clock.now();
  const row: UserRow = {
    id: newId('usr', at),
    email,
    name: spec.name?.trim() || email,
    role: spec.role,
    pair_scope: scopeText(spec.pairScope),
    password_hash: spec.password === undefined ? null : await hashPassword(spec.password),
    created_at: at.toISOString(),
    updated_at: at.toISOString(),
    last_login_at: null,
    disabled_at: null,
  };
  await insertUser(db, row);
  return row;
}

/** A new password ends every session the user had. */
export async function setPassword(
  db: Kysely<Database>,
  clock: Clock,
  userId: string,
  password: string,
): Promise<void> {
  checkPasswordRules(password);
  await updateUser(db, userId, {
    password_hash: await hashPassword(password),
    updated_at: clock.now().toISOString(),
  });
  await deleteSessionsOfUser(db, userId);
}

/** Refuses to leave an installation without an owner who can sign in. */
export async function assertAnotherOwner(db: Kysely<Database>, userId: string): Promise<void> {
  const owners = (await listUsers(db)).filter(
    (u) => u.role === 'owner' && u.disabled_at === null && u.id !== userId && u.pair_scope === null,
  );
  if (owners.length === 0)
    throw new KoppelError('This is the last owner of every pair; make another owner first', {
      code: 'users.last_owner',
      kind: 'conflict',
    });
}
