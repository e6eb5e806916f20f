import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { api, must, type Schemas } from '../../api/client';
import { PageTitle } from '../../components/layout';
import { QueryState } from '../../components/query-state';
import { formatDateTime } from '../../format';
import { t } from '../../texts';
import { documentLinks } from './document-links';
import { RecordDiff, RecordPayloads } from './record-payloads';
import { recordStateText, stateClass } from './records-table';
import { RecordTimeline } from './record-timeline';

const r = t.activity.record;

/** One record's timeline as the hosted service shows it: what came from Exact and what was sent. */
export function RecordPage({ id }: { id: string }) {
  const record = useQuery({
    queryKey: ['record', id],
    queryFn: () => must(api.GET('/api/records/{id}', { params: { path: { id } } })),
  });
  return (
    <>
      <p>
        <Link href="~/activity">{t.activity.run.back}</Link>
      </p>
      <QueryState query={record}>{(data) => <RecordDetail record={data} />}</QueryState>
    </>
  );
}

function RecordDetail({ record }: { record: Schemas['Record'] }) {
  return (
    <>
      <PageTitle>{r.title(record.label ?? record.sourceId)}</PageTitle>
      <section aria-labelledby="record-facts" className="card">
        <h2 id="record-facts">{r.facts}</h2>
        <dl className="facts">
          <dt>{t.activity.records.state}</dt>
          <dd className={stateClass(record.state)}>
            {recordStateText(record.state)}
            {record.operation ? ` (${record.operation})` : ''}
          </dd>
          {record.error && (
            <>
              <dt>{t.activity.records.error}</dt>
              <dd className="error">{record.error.message}</dd>
            </>
          )}
          <dt>{t.activity.records.flow}</dt>
          <dd>{record.flowId}</dd>
          {record.run && (
            <>
              <dt>{r.run}</dt>
              <dd>
                <Link href={`/runs/${record.run.id}`}>{formatDateTime(record.run.createdAt)}</Link>
              </dd>
            </>
          )}
          <dt>{r.sourceId}</dt>
          <dd>
            <code>{record.sourceId}</code>
          </dd>
          <dt>{r.targetId}</dt>
          <dd>{record.targetId ? <code>{record.targetId}</code> : ''}</dd>
          {record.naturalKey && (
            <>
              <dt>{r.naturalKey}</dt>
              <dd>{record.naturalKey}</dd>
            </>
          )}
          <dt>{r.attempts}</dt>
          <dd>{record.attempts}</dd>
          <dt>{r.mappingVersion}</dt>
          <dd>{record.mappingVersion ?? r.defaultMapping}</dd>
        </dl>
        <OtherSystemLinks record={record} />
        {record.deadLetter && (
          <p>
            {r.deadLetter}: {record.deadLetter.errorMessage} ({r.replays(record.deadLetter.replayCount)}).{' '}
            <Link href="~/dead-letters">{r.openDeadLetters}</Link>
          </p>
        )}
      </section>
      <RecordTimeline steps={record.timeline} />
      {record.payloadsPurged ? (
        <p role="note">{r.purged}</p>
      ) : (
        <>
          <RecordPayloads {...record} />
          <RecordDiff diff={record.diff} operation={record.operation} payload={record.payload} />
        </>
      )}
    </>
  );
}

/** Links to the same document in Exact Online, where the record's ids and the flow's connections allow. */
function OtherSystemLinks({ record }: { record: Schemas['Record'] }) {
  const flow = useQuery({
    queryKey: ['flow', record.flowId],
    queryFn: () => must(api.GET('/api/flows/{id}', { params: { path: { id: record.flowId } } })),
  });
  const connections = useQuery({
    queryKey: ['connections', record.pairId],
    queryFn: () => must(api.GET('/api/connections', { params: { query: { pair: record.pairId } } })),
  });
  const links = documentLinks(record, flow.data, connections.data?.items ?? []);
  if (links.length === 0) return null;
  return (
    <ul className="links">
      {links.map((l) => (
        <li key={l.href}>
          <a href={l.href} target="_blank" rel="noreferrer">
            {l.app === 'exact-online' ? r.inExact : r.inAsperion}
          </a>
        </li>
      ))}
    </ul>
  );
}
