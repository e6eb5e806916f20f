import { yearAndMonth } from './api-date.js';

/**
 * Book year and period from a date when the client leaves them out or sends 0: the calendar year in
 * 12 monthly periods (§6.4; both the derivation and the 12 are UNCONFIRMED, §5.9).
 */
export function bookPeriodOf(date: string): { bookyear: number; bookperiod: number } {
  const [bookyear, bookperiod] = yearAndMonth(date);
  return { bookyear, bookperiod };
}
