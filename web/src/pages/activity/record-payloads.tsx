import { t } from '../../texts';

const r = t.activity.record;

/** A JSON value as people read it: indented, or a word when nothing was kept. */
function Json({ value, label }: { value: unknown; label: string }) {
  if (value === null || value === undefined) return <p className="muted">{r.nothingKept}</p>;
  // Scrollable, so it takes focus: a keyboard can scroll it too.
  return (
    <pre tabIndex={0} aria-label={label}>
      {JSON.stringify(value, null, 2)}
    </pre>
  );
}

function Pane({ id, title, value }: { id: string; title: string; value: unknown }) {
  return (
    <section aria-labelledby={id} className="pane">
      <h3 id={id}>{title}</h3>
      <Json value={value} label={title} />
    </section>
  );
}

/**
 * What the record was and what was sent, side by side: the source record next to the payload
 * made of it, the request next to the answer to it.
 */
export function RecordPayloads({
  snapshot,
  payload,
  request,
  response,
}: {
  snapshot: unknown;
  payload: unknown;
  request: unknown;
  response: unknown;
}) {
  return (
    <>
      <div className="side-by-side">
        <Pane id="record-source" title={r.source} value={snapshot} />
        <Pane id="record-payload" title={r.payload} value={payload} />
      </div>
      <div className="side-by-side">
        <Pane id="record-request" title={r.request} value={request} />
        <Pane id="record-response" title={r.response} value={response} />
      </div>
    </>
  );
}

interface FieldChange {
  path: string;
  before?: unknown;
  after?: unknown;
}

const shown = (v: unknown) =>
  v === undefined || v === null ? r.absent : typeof v === 'string' ? v : JSON.stringify(v);

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The fields a create wrote, as the API's diff of an update names them (dotted paths, a list as
 * one value): the target had no record before, so each field goes from absent to its value.
 */
function createdFields(value: unknown, prefix = ''): FieldChange[] {
  if (!isObject(value)) return [{ path: prefix || '(root)', after: value }];
  return Object.entries(value).flatMap(([key, v]) => createdFields(v, prefix ? `${prefix}.${key}` : key));
}

/**
 * The field diff of a write: each changed field with its value before and after. The API keeps a
 * diff for updates; for a create it is the payload itself, every field new.
 */
export function RecordDiff({
  diff,
  operation,
  payload,
}: {
  diff: unknown;
  operation: string | null;
  payload: unknown;
}) {
  const changes = Array.isArray(diff)
    ? (diff as FieldChange[])
    : operation === 'create' && isObject(payload)
      ? createdFields(payload)
      : [];
  if (changes.length === 0)
    return (
      <>
        <h2>{r.diff}</h2>
        <p className="muted">{r.noDiff}</p>
      </>
    );
  return (
    <table className="diff">
      <caption>{diff === null && operation === 'create' ? r.diffOfCreate : r.diff}</caption>
      <thead>
        <tr>
          <th scope="col">{r.field}</th>
          <th scope="col">{r.before}</th>
          <th scope="col">{r.after}</th>
        </tr>
      </thead>
      <tbody>
        {changes.map((c) => (
          <tr key={c.path}>
            <th scope="row">
              <code>{c.path}</code>
            </th>
            <td className={typeof c.before === 'number' ? 'num' : undefined}>{shown(c.before)}</td>
            <td className={typeof c.after === 'number' ? 'num' : undefined}>{shown(c.after)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
