import { t } from '../../texts';

// Steps of one record are seconds apart: the time to the second, in the reader's zone.
const stepTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** The steps a record went through, in order, each with its time and what it said. */
export function RecordTimeline({ steps }: { steps: Array<{ at: string; step: string; detail?: string }> }) {
  return (
    <section aria-labelledby="record-timeline" className="card">
      <h2 id="record-timeline">{t.activity.record.timeline}</h2>
      <ol className="timeline">
        {steps.map((s, i) => (
          <li key={i}>
            <time dateTime={s.at}>{stepTime.format(new Date(s.at))}</time>{' '}
            <strong>{t.activity.steps[s.step] ?? s.step}</strong>
            {s.detail ? `: ${s.detail}` : ''}
          </li>
        ))}
      </ol>
    </section>
  );
}
