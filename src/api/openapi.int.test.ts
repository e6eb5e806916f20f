import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitCodeOf } from '../cli/main.js';
import { errorKinds } from '../core/errors.js';
import { httpStatusOf } from './error-handler.js';
import { routesOf } from './server.js';
import { startApiHarness, type ApiHarness } from '../testing/api-harness.js';
import { testDialects } from '../testing/databases.js';

const root = path.resolve(import.meta.dirname, '../..');

/** Fastify's `/api/flows/:id` as OpenAPI writes it: `/api/flows/{id}`. */
const openApiPath = (url: string) => url.replace(/:(\w+)/g, '{$1}');

describe.each(testDialects)('the OpenAPI document (%s)', (dialect) => {
  let h: ApiHarness;
  let doc: { openapi: string; paths: Record<string, Record<string, { security?: unknown[] }>> };
  beforeAll(async () => {
    h = await startApiHarness(dialect);
    const viewer = await h.withToken('viewer');
    const answer = await viewer.get('/api/openapi.json');
    expect(answer.status).toBe(200);
    doc = answer.body;
  });
  afterAll(async () => {
    await h?.close();
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    expect(doc.openapi).toMatch(/^3\.1\./);
    const result = await new Validator().validate(structuredClone(doc) as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('lists every route the server answers, with the same methods', () => {
    const routes = routesOf(h.service.apiServer).filter(
      // The web app's files are not part of the API.
      (r) =>
        !r.page &&
        r.method !== 'HEAD' &&
        !r.url.startsWith('/api/docs') &&
        !r.url.startsWith('/assets/') &&
        r.url !== '/favicon.svg',
    );
    expect(routes.length).toBeGreaterThan(10);
    const missing = routes.filter((r) => !doc.paths[openApiPath(r.url)]?.[r.method.toLowerCase()]);
    expect(missing).toEqual([]);
  });

  it('marks exactly the public routes as needing no credentials', () => {
    for (const r of routesOf(h.service.apiServer)) {
      const op = doc.paths[openApiPath(r.url)]?.[r.method.toLowerCase()];
      if (!op) continue;
      expect([r.url, op.security ?? 'default'], `${r.method} ${r.url}`).toEqual([
        r.url,
        r.access === 'public' ? [] : 'default',
      ]);
    }
  });

  it('refuses no request to the document without credentials', async () => {
    expect((await h.anonymous().get('/api/openapi.json')).status).toBe(401);
    expect((await h.anonymous().get('/api/docs')).status).toBe(302);
  });
});

describe('error kinds, HTTP statuses and exit codes', () => {
  it('are what README states', () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    const table = new Map<string, [number, number]>();
    for (const [, kind, status, exit] of readme.matchAll(/^\|\s*`(\w+)`\s*\|\s*(\d{3})\s*\|\s*(\d+)\s*\|/gm))
      table.set(kind!, [Number(status), Number(exit)]);
    expect([...table.keys()].sort()).toEqual([...errorKinds].sort());
    for (const kind of errorKinds)
      expect([kind, ...table.get(kind)!]).toEqual([kind, httpStatusOf[kind], exitCodeOf[kind]]);
  });
});
