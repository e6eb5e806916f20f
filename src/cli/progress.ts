import cliProgress from 'cli-progress';
import { systemClock, type Clock } from '../core/clock.js';

export interface ProgressOptions {
  label: string;
  /** Number of items, when known up front; `setTotal` can give it later. */
  total?: number | undefined;
  stream: NodeJS.WritableStream;
  /** Draw a live bar; defaults to whether `stream` is a terminal. */
  tty?: boolean;
  /** Only for plain lines' timing and rates; tests pass a ManualClock. */
  clock?: Clock;
}

/** Progress of a long command (replay, purge, sync). */
export interface Progress {
  /** `n` more items done; `counts` adds to named tallies (`{ failed: 1 }`) shown beside the total. */
  tick(n?: number, counts?: Record<string, number>): void;
  setTotal(total: number): void;
  /** The final line; `summary` is appended to it. Call once. */
  done(summary?: string): void;
}

/** Plain mode: no more than one line per this interval. */
export const plainLineIntervalMs = 2000;

/**
 * On a terminal, a live bar with counts and ETA. Otherwise (logs, pipes, CI) plain lines: at most
 * one every 2 s, and with a known total only when another 10 % is done, so an hour-long job writes
 * about ten lines rather than hundreds; then one final line.
 */
export function createProgress(options: ProgressOptions): Progress {
  const tty = options.tty ?? (options.stream as { isTTY?: boolean }).isTTY === true;
  return tty ? new BarProgress(options) : new PlainProgress(options);
}

abstract class BaseProgress implements Progress {
  protected value = 0;
  protected total: number | undefined;
  protected readonly counts = new Map<string, number>();
  protected readonly clock: Clock;
  protected readonly startedAt: number;

  constructor(protected readonly options: ProgressOptions) {
    this.total = options.total;
    this.clock = options.clock ?? systemClock;
    this.startedAt = this.clock.now().getTime();
  }

  tick(n = 1, counts: Record<string, number> = {}): void {
    this.value += n;
    for (const [name, k] of Object.entries(counts)) this.counts.set(name, (this.counts.get(name) ?? 0) + k);
    this.changed();
  }

  setTotal(total: number): void {
    this.total = total;
    this.changed();
  }

  abstract done(summary?: string): void;
  protected abstract changed(): void;

  protected countsText(): string {
    return [...this.counts].map(([name, k]) => `${name} ${k}`).join(', ');
  }

  protected finalLine(summary: string | undefined): string {
    const elapsed = formatDuration(this.clock.now().getTime() - this.startedAt);
    const of = this.total === undefined ? `${this.value}` : `${this.value}/${this.total}`;
    const counts = this.countsText();
    return `${this.options.label}: done, ${of} in ${elapsed}${counts ? ` (${counts})` : ''}${summary ? ` - ${summary}` : ''}\n`;
  }
}

class PlainProgress extends BaseProgress {
  private lastLineAt = this.startedAt;
  private lastStep = 0;

  protected changed(): void {
    const now = this.clock.now().getTime();
    if (now - this.lastLineAt < plainLineIntervalMs) return;
    const step = this.total ? Math.floor((this.value / this.total) * 10) : undefined;
    if (step !== undefined && step <= this.lastStep) return;
    this.lastLineAt = now;
    if (step !== undefined) this.lastStep = step;
    this.options.stream.write(this.line(now));
  }

  private line(now: number): string {
    const elapsed = now - this.startedAt;
    const parts = [`${this.options.label}: ${this.value}`];
    if (this.total) {
      parts[0] += `/${this.total} (${Math.floor((this.value / this.total) * 100)}%)`;
    }
    const counts = this.countsText();
    if (counts) parts.push(counts);
    if (elapsed > 0) parts.push(`${((this.value * 1000) / elapsed).toFixed(1)}/s`);
    if (this.total && this.value > 0 && this.value < this.total) {
      parts.push(`eta ${formatDuration((elapsed / this.value) * (this.total - this.value))}`);
    }
    return `${parts.join(', ')}\n`;
  }

  done(summary?: string): void {
    this.options.stream.write(this.finalLine(summary));
  }
}

class BarProgress extends BaseProgress {
  private readonly bar: cliProgress.SingleBar;

  constructor(options: ProgressOptions) {
    super(options);
    this.bar = new cliProgress.SingleBar({
      stream: options.stream,
      hideCursor: true,
      format: (_options, params) => this.render(params),
    });
    this.bar.start(options.total ?? 0, 0);
  }

  private render(params: cliProgress.Params): string {
    const counts = this.countsText();
    const tail = counts ? `  ${counts}` : '';
    if (!params.total) return `${this.options.label} ${params.value}${tail}`;
    const ratio = Math.min(1, params.value / params.total);
    const filled = Math.round(ratio * 30);
    const bar = '█'.repeat(filled) + '░'.repeat(30 - filled);
    const eta =
      params.value > 0 && ratio < 1 && Number.isFinite(params.eta)
        ? `  eta ${formatDuration(params.eta * 1000)}`
        : '';
    return `${this.options.label} ${bar} ${Math.floor(ratio * 100)}% ${params.value}/${params.total}${tail}${eta}`;
  }

  protected changed(): void {
    if (this.total !== undefined && this.total !== this.bar.getTotal()) this.bar.setTotal(this.total);
    this.bar.update(this.value);
  }

  done(summary?: string): void {
    this.bar.stop();
    this.options.stream.write(this.finalLine(summary));
  }
}

/** 950 → "0.9s", 75_000 → "1m15s", 4_000_000 → "1h06m". */
export function formatDuration(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
