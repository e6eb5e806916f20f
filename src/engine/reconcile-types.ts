import type { Cents } from '../core/money.js';
import type { FlowRuntimeContext } from './types.js';

/** The days a reconciliation covers, both ends included (YYYY-MM-DD). */
export interface ReconcilePeriod {
  from: string;
  to: string;
}

/** One document as one side holds it, its money in exact cents. */
export interface ReconcileDocument {
  /** The source document's id: Koppel's reference on the target side. */
  sourceId: string;
  /** How people know it (`Exact sales invoice 26700012`, `Asperion sales invoice 41`). */
  label: string;
  /** The document's own date (YYYY-MM-DD). */
  date: string;
  /** Its id on this side. */
  id: string;
  net: Cents;
  /** VAT per rate, the rate as a percentage (`21`, `9`, `0`). */
  vat: Map<string, Cents>;
  gross: Cents;
}

/** What a flow kind reads of both sides for a period; the engine compares them. */
export interface ReconcileSides {
  source: ReconcileDocument[];
  target: ReconcileDocument[];
}

/** A flow kind that can reconcile reads both sides of a period (`koppel reconcile`). */
export type ReconcileReader = (ctx: FlowRuntimeContext, period: ReconcilePeriod) => Promise<ReconcileSides>;
