import { Link } from 'wouter';
import type { Schemas } from '../../api/client';
import { t } from '../../texts';

const d = t.deadLetters;

/** Where a dead letter is fixed, in one sentence, with the link that goes there. */
export function FixBand({ letter }: { letter: Schemas['DeadLetter'] }) {
  const { fix } = letter;
  return (
    <div className="fix">
      <p>
        <strong>{d.whereLabel}</strong>
        {d.where[fix.where] ?? fix.where}. {fix.hint}
      </p>
      <FixLink letter={letter} />
    </div>
  );
}

function FixLink({ letter }: { letter: Schemas['DeadLetter'] }) {
  const { fix, flowId, pairId } = letter;
  // Links leave this section: `~` makes them absolute in the app, not inside /dead-letters.
  switch (fix.where) {
    case 'mapping':
      return (
        <p>
          <Link href={`~/mappings/${encodeURIComponent(flowId)}`}>
            {d.goTo.mapping(flowId, fix.valueMap)}
          </Link>
        </p>
      );
    case 'setting':
      return (
        <p>
          <Link href={`~/setup-wizard/${encodeURIComponent(pairId)}/settings/${encodeURIComponent(flowId)}`}>
            {d.goTo.setting(flowId, fix.setting)}
          </Link>
        </p>
      );
    case 'connection':
      return (
        <p>
          <Link href="~/">{d.goTo.connection}</Link>
        </p>
      );
    case 'source':
    case 'target':
    case 'record':
      return (
        <p>
          <Link href={`~/activity/records/${encodeURIComponent(letter.recordId)}`}>
            {d.goTo.record(letter.label)}
          </Link>
        </p>
      );
    default:
      return null;
  }
}
