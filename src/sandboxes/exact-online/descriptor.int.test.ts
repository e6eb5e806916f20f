import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.js';
import { sandboxes } from '../index.js';
import { exactOnlineSandbox } from './descriptor.js';

describe('exact-online sandbox descriptor', () => {
  it('is registered for `koppel sandbox exact-online` with default port 4010', () => {
    expect(sandboxes.find((s) => s.name === 'exact-online')).toBe(exactOnlineSandbox);
    expect(exactOnlineSandbox.defaultPort).toBe(4010);
  });

  it('starts on a free port and answers on the real paths at its base URL', async () => {
    const running = await exactOnlineSandbox.start({
      host: '127.0.0.1',
      port: 0,
      seed: 'empty',
      clock: new ManualClock(),
    });
    expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${running.url}/api/v1/current/Me`, { headers: { accept: 'application/json' } });
    expect(res.status).toBe(401);
    await running.close();
  });
});
