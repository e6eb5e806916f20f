/** How the app writes times and numbers: the reader's locale and time zone, never raw ISO strings. */
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const number = new Intl.NumberFormat();

export function formatDateTime(iso: string | null | undefined): string {
  return iso ? dateTime.format(new Date(iso)) : '';
}

export function formatNumber(n: number): string {
  return number.format(n);
}

/** A duration in words a person reads at a glance: 850 ms, 12 s, 3 min 5 s, 2 h 10 min. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '';
  if (ms < 1_000) return `${ms} ms`;
  const s = Math.round(ms / 1_000);
  if (s < 60) return `${s} s`;
  if (s < 3_600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3_600)} h ${Math.floor((s % 3_600) / 60)} min`;
}

/** Euro cents as money: exact, never through floating point arithmetic. */
export function formatCents(cents: number | bigint, currency = 'EUR'): string {
  const c = BigInt(cents);
  const sign = c < 0n ? '-' : '';
  const abs = c < 0n ? -c : c;
  return `${sign}${currency} ${(abs / 100n).toLocaleString()}.${String(abs % 100n).padStart(2, '0')}`;
}
