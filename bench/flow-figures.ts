/**
 * What `npm run bench -- flows` reports for one flow kind: API calls per record on a first
 * full load of the demo data and at steady state (a few changed records), records per second with
 * the sandboxes' limits off, and peak memory. Each flow's bench module measures its own kind.
 */
export interface FlowFigures {
  flow: string;
  /** First full load: how many source records the run handled, and what it cost. */
  firstLoad: {
    records: number;
    created: number;
    updated: number;
    skipped: number;
    failed: number;
    sourceCallsPerRecord: number;
    targetCallsPerRecord: number;
    recordsPerSecond: number;
  };
  /** A run after `changed` source records changed (steady state: everything else is unchanged). */
  steady: {
    changed: number;
    sourceCallsPerRecord: number;
    targetCallsPerRecord: number;
    /** Calls of the whole steady run, including those that found nothing to do. */
    sourceCalls: number;
    targetCalls: number;
  };
  peakRssMb: number;
}
