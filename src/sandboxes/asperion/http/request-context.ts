import type { FastifyRequest } from 'fastify';
import type { Language } from './messages.js';
import type { SandboxUser } from '../state/sandbox-state.js';
import type { AdministrationData } from '../state/administration-data.js';

/** What the hooks learn about a request before the route runs. */
export interface RequestContext {
  seq: number;
  traceId: string;
  language: Language;
  user: SandboxUser | undefined;
  data: AdministrationData | undefined;
}

declare module 'fastify' {
  interface FastifyRequest {
    sandbox: RequestContext;
  }
}

/** ASP.NET Core's traceId is a W3C traceparent; counting makes them deterministic per instance. */
export function traceIdFor(seq: number): string {
  return `00-${seq.toString(16).padStart(32, '0')}-${seq.toString(16).padStart(16, '0')}-00`;
}

export function requireData(request: FastifyRequest): AdministrationData {
  const data = request.sandbox.data;
  if (!data) throw new Error('route under /v1 ran without an administration');
  return data;
}
