import { toExactDate } from '../amsterdam-time.js';
import type { DivisionData } from '../entities/entity-store.js';
import type { ReadFunction } from '../entities/read-functions.js';
import type { StoredRecord } from '../entities/entity-store.js';
import { selectRecords, stringComparisonOf } from '../odata/collection-page.js';
import type { ExactSettings } from '../settings.js';
import { readQueryOptions } from '../odata/query-options.js';
import { querySyntaxError } from '../odata-error.js';
import type { ApiRequest, ApiResponse } from './api-exchange.js';

const guidParameter = /^guid'([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})'$/i;

/**
 * The function's parameters as lowercase Guids. A malformed or missing required one is answered
 * with the query-syntax 400: Exact's text for it is not documented (reference 7.16 quotes that
 * text for a `$filter` on StockPosition).
 */
function readParameters(fn: ReadFunction, params: URLSearchParams): Map<string, string> {
  const values = new Map<string, string>();
  for (const { name, required } of fn.parameters) {
    const text = params.get(name);
    if (text === null) {
      if (required) throw querySyntaxError();
      continue;
    }
    const m = guidParameter.exec(text);
    if (!m) throw querySyntaxError();
    values.set(name, (m[1] ?? '').toLowerCase());
  }
  return values;
}

/** GET `read/<service>/<Function>`: `{"d":[…]}`, all rows, no `__next` (reference 4.2, 4.3). */
export function answerReadFunction(
  fn: ReadFunction,
  data: DivisionData,
  req: ApiRequest,
  settings: ExactSettings,
): ApiResponse {
  if (!fn.filterAllowed && req.params.has('$filter')) throw querySyntaxError();
  const options = readQueryOptions(req.params, fn.rowType);
  const values = readParameters(fn, req.params);
  const records: StoredRecord[] = fn.rows(data, values).map((row) => ({ row, children: {}, timestamp: 0 }));
  const selected = selectRecords(fn.rowType, records, options, stringComparisonOf(settings));
  const limited = options.top === undefined ? selected : selected.slice(0, options.top);
  const d = limited.map(({ row }) => {
    const out: Record<string, unknown> = { __metadata: { type: fn.rowType.typeName } };
    for (const field of fn.rowType.fields.scalars) {
      if (options.select && !options.select.has(field.name)) continue;
      const value = row[field.name] ?? null;
      out[field.name] = field.type === 'DateTime' && typeof value === 'string' ? toExactDate(value) : value;
    }
    return out;
  });
  return { status: 200, json: { d } };
}
