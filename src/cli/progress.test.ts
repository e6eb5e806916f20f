import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.js';
import { createProgress, formatDuration } from './progress.js';

function collector() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  return { stream, lines: () => chunks.join('').split('\n').filter(Boolean) };
}

describe('createProgress in plain mode', () => {
  it('writes a line per 10 % step, never two within 2 s, then a final line', () => {
    const clock = new ManualClock();
    const out = collector();
    const progress = createProgress({ label: 'replay', total: 100, stream: out.stream, clock });
    for (let i = 0; i < 100; i++) {
      clock.advance(100); // 10 % per second: the 2 s limit decides
      progress.tick();
    }
    progress.done('3 replayed');
    expect(out.lines()).toEqual([
      'replay: 20/100 (20%), 10.0/s, eta 8.0s',
      'replay: 40/100 (40%), 10.0/s, eta 6.0s',
      'replay: 60/100 (60%), 10.0/s, eta 4.0s',
      'replay: 80/100 (80%), 10.0/s, eta 2.0s',
      'replay: 100/100 (100%), 10.0/s',
      'replay: done, 100/100 in 10.0s - 3 replayed',
    ]);
  });

  it('writes no more than one line per 10 % on a slow job', () => {
    const clock = new ManualClock();
    const out = collector();
    const progress = createProgress({ label: 'sync', total: 50, stream: out.stream, clock });
    for (let i = 0; i < 50; i++) {
      clock.advance(10_000);
      progress.tick(1, i % 10 === 0 ? { failed: 1 } : { ok: 1 });
    }
    progress.done();
    const lines = out.lines();
    expect(lines).toHaveLength(11);
    expect(lines[0]).toBe('sync: 5/50 (10%), failed 1, ok 4, 0.1/s, eta 7m30s');
    expect(lines[10]).toBe('sync: done, 50/50 in 8m20s (failed 5, ok 45)');
  });

  it('writes a line every 2 s while the total is unknown, and percentages once it is known', () => {
    const clock = new ManualClock();
    const out = collector();
    const progress = createProgress({ label: 'purge', stream: out.stream, clock });
    for (let i = 0; i < 8; i++) {
      clock.advance(500);
      progress.tick(10);
    }
    progress.setTotal(160);
    clock.advance(2000);
    progress.tick(40);
    progress.done();
    expect(out.lines()).toEqual([
      'purge: 40, 20.0/s',
      'purge: 80, 20.0/s',
      'purge: 120/160 (75%), 20.0/s, eta 2.0s',
      'purge: done, 120/160 in 6.0s',
    ]);
  });

  it('stays plain on a terminal stream when told to', () => {
    const out = collector();
    Object.assign(out.stream, { isTTY: true });
    const progress = createProgress({ label: 'x', stream: out.stream, tty: false, clock: new ManualClock() });
    progress.tick();
    progress.done();
    expect(out.lines()).toEqual(['x: done, 1 in 0.0s']);
  });
});

describe('formatDuration', () => {
  it('reads as seconds, minutes or hours', () => {
    expect([formatDuration(950), formatDuration(75_000), formatDuration(4_000_000)]).toEqual([
      '0.9s',
      '1m15s',
      '1h06m',
    ]);
  });
});
