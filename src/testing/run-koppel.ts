import { PassThrough } from 'node:stream';
import type { Clock } from '../core/clock.js';
import { runCli } from '../cli/main.js';
import type { FlowRegistry } from '../engine/types.js';
import { harnessSecretKey, type EngineHarness } from './engine-harness.js';

export interface KoppelOutcome {
  code: number;
  out: string;
  err: string;
}

/** Test-only: run a `koppel` command in-process on the harness's database, capturing its output. */
export async function runKoppel(
  h: Pick<EngineHarness, 'tdb'>,
  args: string[],
  options: { registry: FlowRegistry; clock?: Clock },
): Promise<KoppelOutcome> {
  const out = new PassThrough();
  const err = new PassThrough();
  let outText = '';
  let errText = '';
  out.on('data', (d: Buffer) => (outText += d.toString()));
  err.on('data', (d: Buffer) => (errText += d.toString()));
  const code = await runCli(['node', 'koppel', ...args], {
    env: { ...h.tdb.env, KOPPEL_SECRET_KEY: harnessSecretKey, KOPPEL_LOG_LEVEL: 'silent' },
    registry: options.registry,
    ...(options.clock ? { appOptions: { clock: options.clock } } : {}),
    out,
    err,
  });
  return { code, out: outText, err: errText };
}
