import { KoppelError } from '../core/errors.js';
import { messageOf } from '../core/errors.js';

/** What JSONata throws: plain objects (not Errors) with a code like 'S0201' or 'T0410'. */
interface JsonataError {
  code: string;
  message: string;
  position?: number;
  token?: string;
  value?: unknown;
}

function isJsonataError(e: unknown): e is JsonataError {
  return (
    e !== null &&
    typeof e === 'object' &&
    typeof (e as JsonataError).code === 'string' &&
    typeof (e as JsonataError).message === 'string'
  );
}

/** JSONata codes for "the expression built a sequence that is too long" (range or append). */
const tooLargeCodes = new Set(['D2014', 'D2015']);

/**
 * A failure of parsing or evaluating an expression as a code and a one-line message. Our own
 * transforms and the limit hooks throw KoppelErrors whose code is kept; JSONata's own errors keep
 * their code and position in the message ("T2001 at position 8: …").
 */
export function describeExpressionError(e: unknown): { code: string; message: string } {
  if (e instanceof KoppelError) return { code: e.code, message: e.message };
  if (isJsonataError(e)) {
    const at = typeof e.position === 'number' ? ` at position ${e.position}` : '';
    if (tooLargeCodes.has(e.code)) {
      // JSONata's D2015 text names the attempted size as if it were the limit.
      return {
        code: 'mapping.expression_too_large',
        message: `${e.code}${at}: the expression builds a sequence of ${String(e.value)} items, more than allowed`,
      };
    }
    return { code: 'mapping.expression_failed', message: `${e.code}${at}: ${e.message}` };
  }
  return { code: 'mapping.expression_failed', message: messageOf(e) };
}
