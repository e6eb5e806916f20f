/**
 * The API's date-time form: `YYYY-MM-DDTHH:MM:SS` with no zone (§1.6, ASP.NET DateTime). The sandbox
 * writes UTC wall time; Asperion itself presumably writes Dutch local time (UNCONFIRMED).
 */
export function formatApiDateTime(at: Date): string {
  return at.toISOString().slice(0, 19);
}

/** A date field's value for a moment: its UTC day at midnight. */
export function formatApiDate(at: Date): string {
  return `${at.toISOString().slice(0, 10)}T00:00:00`;
}

/** `YYYY-MM-DD...` → [year, month] from a stored date. */
export function yearAndMonth(date: string): [number, number] {
  return [Number(date.slice(0, 4)), Number(date.slice(5, 7))];
}

/** Adds whole days to a stored date, in calendar days (UTC so no DST gaps). */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date.slice(0, 10)}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return formatApiDate(d);
}
