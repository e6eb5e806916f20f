import { Link } from 'wouter';
import type { Schemas } from '../../api/client';
import { formatDateTime, formatNumber } from '../../format';
import { t } from '../../texts';
import { DeadLetterActions } from './dead-letter-actions';
import { DebtorChoice } from './debtor-choice';
import type { ReplayMode } from './replay-outcome';

const d = t.deadLetters;

/**
 * One dead letter in its group's table: the document, when it was parked, its replays and (for
 * operators) what to do; its own sentence when it says more than the group's; and, when a person
 * must choose, the choice in a row of its own below it.
 */
export function DeadLetterRows({
  letter,
  groupSentence,
  operator,
  mode,
  report,
}: {
  letter: Schemas['DeadLetter'];
  groupSentence: string;
  operator: boolean;
  mode: ReplayMode;
  report: (outcome: string) => void;
}) {
  const candidates = letter.fix.candidates;
  return (
    <>
      <tr>
        <td>
          <Link href={`~/activity/records/${encodeURIComponent(letter.recordId)}`}>{letter.label}</Link>
          {letter.error.message !== groupSentence && <p className="own-sentence">{letter.error.message}</p>}
        </td>
        <td>{formatDateTime(letter.createdAt)}</td>
        <td className="num">{formatNumber(letter.replayCount)}</td>
        {operator && (
          <td>
            <DeadLetterActions letter={letter} mode={mode} report={report} />
          </td>
        )}
      </tr>
      {operator && candidates && (
        <tr className="choice-row">
          <td colSpan={4}>
            <DebtorChoice letter={letter} candidates={candidates} mode={mode} report={report} />
          </td>
        </tr>
      )}
    </>
  );
}

/** The columns of a group's table, as DeadLetterRows fills them. */
export function DeadLetterColumns({ operator }: { operator: boolean }) {
  return (
    <tr>
      <th scope="col">{d.columns.document}</th>
      <th scope="col">{d.columns.parked}</th>
      <th scope="col" className="num">
        {d.columns.replays}
      </th>
      {operator && <th scope="col">{d.columns.actions}</th>}
    </tr>
  );
}
