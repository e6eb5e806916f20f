import { z } from 'zod';

/** A planned failure: the next `times` requests whose path contains `path` get `status`. */
export const faultSchema = z.strictObject({
  method: z.string().toUpperCase().optional(),
  /** Case-insensitive substring of the path, e.g. `/crm/Accounts` or `/api/oauth2/token`. */
  path: z.string().min(1),
  status: z.number().int().min(400).max(599),
  /** Text for the OData error envelope; Exact's generic 500 text by default. */
  message: z.string().optional(),
  /** Extra response headers, e.g. `{"Reason":"DivisionBlocked"}`. */
  headers: z.record(z.string(), z.string()).optional(),
  times: z.number().int().positive().default(1),
});
export type Fault = z.infer<typeof faultSchema>;

/** Faults waiting to fire, first match wins; each fires `times` times and is then gone. */
export class FaultPlan {
  private faults: Fault[] = [];

  add(fault: Fault): void {
    this.faults.push({ ...fault });
  }

  list(): readonly Fault[] {
    return this.faults;
  }

  clear(): void {
    this.faults = [];
  }

  /** The fault for this request, consuming one of its uses, if any. */
  take(method: string, path: string): Fault | undefined {
    const lower = path.toLowerCase();
    const fault = this.faults.find(
      (f) => lower.includes(f.path.toLowerCase()) && (f.method === undefined || f.method === method),
    );
    if (!fault) return undefined;
    fault.times -= 1;
    if (fault.times <= 0) this.faults = this.faults.filter((f) => f !== fault);
    return fault;
  }
}
