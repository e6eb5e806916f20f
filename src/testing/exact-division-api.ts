import { afterEach, beforeEach, expect } from 'vitest';
import type { TestSandbox } from '../sandboxes/exact-online/test-sandbox.js';
import { startTestSandbox } from '../sandboxes/exact-online/test-sandbox.js';

/** Test-only: a row as the sandbox's JSON has it. */
export type Row = Record<string, unknown>;

/** Test-only: one division of a fresh demo sandbox per test, and the calls conformance tests make. */
export interface DivisionApi {
  readonly sandbox: TestSandbox;
  readonly token: string;
  /** `/api/v1/<division>` */
  readonly base: string;
  get(path: string): Promise<Response>;
  /** The rows of the first page (asserts a 200). */
  rows(path: string): Promise<Row[]>;
  /** Every row, following `__next` (reference 4.3). */
  allRows(path: string): Promise<Row[]>;
  /** `d` of a single-entity answer (asserts a 200). */
  one(path: string): Promise<Row>;
  /** POST with `Prefer: return=representation`. */
  post(path: string, body: unknown): Promise<Response>;
  /** POST that must answer 201; the created row. */
  created(path: string, body: unknown): Promise<Row>;
  /** Status and Exact's message of an error answer. */
  errorOf(res: Response): Promise<[number, string]>;
}

/**
 * Registers hooks that start a demo sandbox before each test and close it after. With
 * `relaxLimits` (the default) the minute limit and the error block are out of the way: these tests
 * make many calls and deliberate errors, and the limits have tests of their own.
 */
export function useDivisionApi(options: { division?: number; relaxLimits?: boolean } = {}): DivisionApi {
  const base = `/api/v1/${options.division ?? 3215711}`;
  let current: { sandbox: TestSandbox; token: string } | undefined;
  const now = () => {
    if (!current) throw new Error('useDivisionApi: only inside a test');
    return current;
  };
  beforeEach(async () => {
    const sandbox = await startTestSandbox('demo');
    current = { sandbox, token: await sandbox.token() };
    if (options.relaxLimits !== false) {
      sandbox.state.settings.minutelyLimit = 10_000;
      sandbox.state.settings.errorsPerHour = 0;
    }
  });
  afterEach(async () => {
    await current?.sandbox.close();
    current = undefined;
  });
  const get = (path: string) => now().sandbox.call('GET', `${base}/${path}`, now().token);
  const post = (path: string, body: unknown) =>
    now().sandbox.call('POST', `${base}/${path}`, now().token, body, { prefer: 'return=representation' });
  return {
    get sandbox() {
      return now().sandbox;
    },
    get token() {
      return now().token;
    },
    base,
    get,
    async rows(path) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      // A `$top` answer may be a bare-array `d` (reference 4.2).
      const { d } = (await res.json()) as { d: Row[] | { results: Row[] } };
      return Array.isArray(d) ? d : d.results;
    },
    async allRows(path) {
      const all: Row[] = [];
      let next: string | undefined = `${base}/${path}`;
      while (next) {
        const res = await now().sandbox.call('GET', next, now().token);
        expect(res.status, next).toBe(200);
        const { d } = (await res.json()) as { d: Row[] | { results: Row[]; __next?: string } };
        if (Array.isArray(d)) return [...all, ...d];
        all.push(...d.results);
        next = d.__next?.slice(now().sandbox.url.length);
      }
      return all;
    },
    async one(path) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      return ((await res.json()) as { d: Row }).d;
    },
    post,
    async created(path, body) {
      const res = await post(path, body);
      expect(res.status, path).toBe(201);
      return ((await res.json()) as { d: Row }).d;
    },
    async errorOf(res) {
      const body = (await res.json()) as { error: { message: { value: string } } };
      return [res.status, body.error.message.value];
    },
  };
}
