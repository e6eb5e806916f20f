import { useId, useState } from 'react';
import { api, must, type Schemas } from '../../api/client';
import { ActionButton } from '../../components/action-button';
import { t } from '../../texts';
import { replayOne, type ReplayMode } from './replay-outcome';

const d = t.deadLetters;
const other = '__other__';

type Candidates = NonNullable<Schemas['DeadLetter']['fix']['candidates']>;

/**
 * An ambiguous debtor resolved by a person: the debtors the match found, or another one by its
 * customer number (one made by hand for this customer), then the dead letter replayed.
 */
export function DebtorChoice({
  letter,
  candidates,
  mode,
  report,
}: {
  letter: Schemas['DeadLetter'];
  candidates: Candidates;
  mode: ReplayMode;
  report: (outcome: string) => void;
}) {
  const [picked, setPicked] = useState('');
  const [otherNumber, setOtherNumber] = useState('');
  const name = useId();
  const otherId = useId();
  const debtor = picked === other ? otherNumber.trim() : picked;
  return (
    <fieldset className="choice">
      <legend>{d.choiceLegend(candidates.accountCode ?? candidates.account)}</legend>
      {candidates.debtors.map((c) => (
        <label key={c.customerNumber} className="radio">
          <input
            type="radio"
            name={name}
            value={c.customerNumber}
            checked={picked === c.customerNumber}
            onChange={() => setPicked(c.customerNumber)}
          />
          {d.candidate(c.customerNumber, c.name)}
        </label>
      ))}
      <label className="radio">
        <input
          type="radio"
          name={name}
          value={other}
          checked={picked === other}
          onChange={() => setPicked(other)}
        />
        {d.otherDebtor}
      </label>
      {picked === other && (
        <label htmlFor={otherId}>
          {d.otherDebtorNumber}
          <input id={otherId} value={otherNumber} onChange={(e) => setOtherNumber(e.target.value)} />
        </label>
      )}
      <ActionButton
        role="operator"
        primary
        action={async () => {
          if (!debtor) throw new Error(d.chooseFirst);
          await must(
            api.POST('/api/flows/{id}/debtor-choices', {
              params: { path: { id: letter.flowId } },
              body: { account: candidates.account, debtor },
            }),
          );
          const said = await replayOne(letter.id, mode);
          report(said);
          return said;
        }}
      >
        {d.chooseAndReplay}
      </ActionButton>
    </fieldset>
  );
}
