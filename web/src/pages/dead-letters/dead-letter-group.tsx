import { useQuery } from '@tanstack/react-query';
import { api, must, type Schemas } from '../../api/client';
import { ActionButton } from '../../components/action-button';
import { QueryState } from '../../components/query-state';
import { useCan } from '../../session';
import { t } from '../../texts';
import { DeadLetterColumns, DeadLetterRows } from './dead-letter-rows';
import { FixBand } from './fix-band';
import { replayGroup, type ReplayMode } from './replay-outcome';

const d = t.deadLetters;
const shownAtMost = 50;

/** One flow's open dead letters with one error: the sentence, where to fix it, and each of them. */
export function DeadLetterGroup({
  group,
  mode,
  report,
}: {
  group: Schemas['DeadLetterGroup'];
  mode: ReplayMode;
  report: (outcome: string) => void;
}) {
  const { pairId, flowId, code, count, newest } = group;
  // A viewer sees the same list, without the column of things it may not do.
  const operator = useCan('operator');
  const headingId = `group-${pairId}-${flowId}-${code}`.replace(/[^A-Za-z0-9_-]/g, '-');
  const letters = useQuery({
    queryKey: ['dead-letters', pairId, flowId, code],
    queryFn: () =>
      must(
        api.GET('/api/dead-letters', {
          params: { query: { pair: pairId, flow: flowId, code, state: 'open', limit: shownAtMost } },
        }),
      ),
  });
  return (
    <section aria-labelledby={headingId} className="card dead-group">
      <h2 id={headingId}>
        {d.groupTitle(flowId, code)} <span className="muted">({d.openCount(count)})</span>
      </h2>
      <p className="sentence">{newest.error.message}</p>
      <FixBand letter={newest} />
      <div className="group-actions">
        <ActionButton
          role="operator"
          primary
          label={d.replayAllLabel(count, code, flowId)}
          action={async () => {
            const said = await replayGroup(flowId, code, mode);
            report(said);
            return said;
          }}
        >
          {d.replayAll(count)}
        </ActionButton>
      </div>
      <QueryState query={letters}>
        {({ items }) => (
          <>
            <table>
              <caption>{d.lettersCaption(code)}</caption>
              <thead>
                <DeadLetterColumns operator={operator} />
              </thead>
              <tbody>
                {items.map((letter) => (
                  <DeadLetterRows
                    key={letter.id}
                    letter={letter}
                    groupSentence={newest.error.message}
                    operator={operator}
                    mode={mode}
                    report={report}
                  />
                ))}
              </tbody>
            </table>
            {count > items.length && <p className="muted">{d.more(items.length, count)}</p>}
          </>
        )}
      </QueryState>
    </section>
  );
}
