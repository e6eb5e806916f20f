import { useId, useState } from 'react';
import { api, must, type Schemas } from '../../api/client';
import { ActionButton } from '../../components/action-button';
import { t } from '../../texts';
import { replayOne, type ReplayMode } from './replay-outcome';

const d = t.deadLetters;

/** What an operator does with one dead letter: replay it, or dismiss it with a reason. */
export function DeadLetterActions({
  letter,
  mode,
  report,
}: {
  letter: Schemas['DeadLetter'];
  mode: ReplayMode;
  report: (outcome: string) => void;
}) {
  const [dismissing, setDismissing] = useState(false);
  return (
    <>
      <span className="row-actions">
        <ActionButton
          role="operator"
          label={d.replayLabel(letter.label)}
          action={async () => {
            const said = await replayOne(letter.id, mode);
            report(said);
            return said;
          }}
        >
          {d.replay}
        </ActionButton>
        {!dismissing && (
          <button type="button" aria-label={d.dismissLabel(letter.label)} onClick={() => setDismissing(true)}>
            {d.dismiss}
          </button>
        )}
      </span>
      {dismissing && <DismissForm letter={letter} onCancel={() => setDismissing(false)} report={report} />}
    </>
  );
}

function DismissForm({
  letter,
  onCancel,
  report,
}: {
  letter: Schemas['DeadLetter'];
  onCancel: () => void;
  report: (outcome: string) => void;
}) {
  const [reason, setReason] = useState('');
  const id = useId();
  return (
    <form className="dismiss" onSubmit={(e) => e.preventDefault()}>
      <label htmlFor={id}>
        {d.dismissReason}
        <input
          id={id}
          value={reason}
          placeholder={d.dismissReasonPlaceholder}
          maxLength={500}
          onChange={(e) => setReason(e.target.value)}
        />
      </label>
      <ActionButton
        role="operator"
        label={d.dismissLabel(letter.label)}
        action={async () => {
          await must(
            api.POST('/api/dead-letters/{id}/dismiss', {
              params: { path: { id: letter.id } },
              body: reason.trim() ? { reason: reason.trim() } : {},
            }),
          );
          report(`${letter.label}: ${d.dismissed}`);
        }}
      >
        {d.dismissConfirm}
      </ActionButton>
      <button type="button" onClick={onCancel}>
        {d.dismissCancel}
      </button>
    </form>
  );
}
