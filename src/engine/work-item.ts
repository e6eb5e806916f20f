import type { KoppelError } from '../core/errors.js';
import type { FieldChange } from '../core/json.js';
import type { LinkRow } from '../store/repos/links.js';
import { assertTransition, recordTransitions, type RecordState } from './transitions.js';
import type { RequestSummary, SourceRecord, TargetPayload } from './types.js';

export interface TimelineStep {
  at: string;
  step: string;
  detail?: string;
}

/** One source record on its way through a batch. */
export interface WorkItem {
  id: string;
  sourceId: string;
  record: SourceRecord;
  state: RecordState;
  timeline: TimelineStep[];
  /** Set when the item replays a dead letter. */
  deadLetterId?: string;
  payload?: TargetPayload;
  /** What an update sends and what the content hash covers: the fields that may be overwritten. */
  projection?: TargetPayload;
  hash?: string;
  link?: LinkRow;
  naturalKey?: string;
  writeAheadId?: string;
  operation?: 'create' | 'update';
  targetId?: string;
  request?: RequestSummary;
  response?: unknown;
  diff?: FieldChange[];
  attempts: number;
  error?: KoppelError;
  /** The create may have happened: leave the write-ahead row pending for recovery to settle. */
  outcomeUnknown?: boolean;
}

export function moveTo(item: WorkItem, to: RecordState, at: string, detail?: string): void {
  assertTransition('record', recordTransitions, item.state, to);
  item.state = to;
  item.timeline.push(detail === undefined ? { at, step: to } : { at, step: to, detail });
}

export function note(item: WorkItem, step: string, at: string, detail?: string): void {
  item.timeline.push(detail === undefined ? { at, step } : { at, step, detail });
}

export function fail(item: WorkItem, error: KoppelError, at: string): void {
  item.error = error;
  moveTo(item, 'failed', at, `${error.code}: ${error.message}`);
}

/**
 * What names the record on a log line: its record id (the activity log's) and its source id, as
 * the dead-letter lines always named it. Never its content, which may be personal data.
 */
export function recordLogFields(item: Pick<WorkItem, 'id' | 'sourceId'>): Record<string, string> {
  return { recordId: item.id, record: item.sourceId };
}
