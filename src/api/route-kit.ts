import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ZodType } from 'zod';
import { recordAudit, type AuditEntry } from '../access/audit.js';
import {
  canSeePair,
  requireUnscoped as requireUnscopedPrincipal,
  type Principal,
  type Role,
} from '../access/principal.js';
import { KoppelError } from '../core/errors.js';
import type { App } from '../main.js';
import type { JobQueue } from '../queue/index.js';
import { errorBody } from './schemas.js';

export interface ApiContext {
  app: App;
  queue: JobQueue;
  /**
   * The base URL people and providers reach this service at (KOPPEL_PUBLIC_URL, else the address
   * it listens on): the OAuth redirect URI and printed links start with it.
   */
  baseUrl(): string;
  /** Whether this process's workers claim jobs; undefined: the server runs without workers. */
  workersRunning?: () => boolean;
  /** Other places an app can be reached besides its own (the demo's sandboxes), offered when connecting. */
  endpointChoices?: readonly EndpointChoice[];
}

/** A named set of an app's connection settings (addresses, client id), e.g. a sandbox. */
export interface EndpointChoice {
  app: string;
  label: string;
  settings: Readonly<Record<string, string>>;
}

export type ApiServer = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/** One route (or a few closely related ones) per file. */
export type ApiRoute = (server: ApiServer, ctx: ApiContext) => void;

/**
 * Who may call a route. Every route declares it (the server refuses to register one that does
 * not): `public` routes check something else themselves (a webhook's signature, an OAuth `state`,
 * a one-time link); the rest need a session or an API token with at least this role.
 */
export type RouteAccess = 'public' | Role;

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
    /** An HTML page: a visitor without a session is sent to the sign-in page, not answered 401. */
    page?: boolean;
    /**
     * About the whole installation (users, tokens, installation settings, the workspace file),
     * belonging to no pair: refused (403) to a caller limited to some pairs.
     */
    installationWide?: boolean;
  }
  interface FastifyRequest {
    /** Who made the request; null on public routes without credentials. */
    principal: Principal | null;
  }
}

/** The error answers every authenticated route may give, for the OpenAPI document. */
export const errorResponses = {
  400: errorBody,
  401: errorBody,
  403: errorBody,
  404: errorBody,
  409: errorBody,
  429: errorBody,
  503: errorBody,
} as const;

/** Route responses: the success schemas given, plus the shared error answers. */
export function responses<R extends Record<number, ZodType>>(ok: R): R & typeof errorResponses {
  return { ...errorResponses, ...ok };
}

export function principalOf(req: FastifyRequest): Principal {
  if (!req.principal)
    throw new KoppelError('Sign in or send an API token', { code: 'auth.required', kind: 'auth' });
  return req.principal;
}

/** A pair outside the caller's scope does not exist for them: the same 404 as an unknown one. */
export function assertPairInScope(req: FastifyRequest, pairId: string, notFound: () => KoppelError): void {
  if (!canSeePair(principalOf(req), pairId)) throw notFound();
}

/**
 * For a handler that decides itself that something concerns the whole installation; a route that
 * always does declares `config.installationWide` instead, which is checked before validation.
 */
export function requireUnscoped(req: FastifyRequest, what = 'This'): Principal {
  const principal = principalOf(req);
  requireUnscopedPrincipal(principal, what);
  return principal;
}

/** The pairs a list is limited to, or undefined for every pair. */
export function pairScopeOf(req: FastifyRequest): readonly string[] | undefined {
  return principalOf(req).pairScope ?? undefined;
}

export function notFound(what: string, id: string, code: string): KoppelError {
  return new KoppelError(`No ${what} "${id}"`, { code, kind: 'not_found' });
}

/** Write an audit line for this request: its principal, its client address. */
export function audit(
  ctx: ApiContext,
  req: FastifyRequest,
  entry: Omit<AuditEntry, 'actor' | 'ip'>,
): Promise<void> {
  return recordAudit(ctx.app.store.db, ctx.app.clock, { ...entry, actor: principalOf(req), ip: req.ip });
}

export type { FastifyReply, FastifyRequest };
