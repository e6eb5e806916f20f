import { useState } from 'react';
import { Link } from 'wouter';
import { api, must } from '../../api/client';
import { ActionButton } from '../../components/action-button';
import { t } from '../../texts';

const r = t.mappings.replay;

/**
 * Records that failed on a mapping succeed once it is fixed and they are replayed: the flow's open
 * dead letters, replayed here with the mapping now active.
 */
export function ReplayPanel({ flowId, open }: { flowId: string; open: number }) {
  // Once offered, the button stays, so its outcome stays readable after the dead letters are gone.
  const [offered, setOffered] = useState(open > 0);
  if (open > 0 && !offered) setOffered(true);
  return (
    <section aria-labelledby="replay-heading" className="card">
      <h2 id="replay-heading">{r.heading}</h2>
      <p>
        {open === 0 ? r.none : r.open(open)}{' '}
        <Link href={`~/dead-letters?flow=${encodeURIComponent(flowId)}`}>{r.link}</Link>
      </p>
      {offered && (
        <ActionButton
          role="operator"
          action={() =>
            must(api.POST('/api/dead-letters/replay', { body: { flow: flowId, mode: 'current' } }))
          }
          done={(answer) => r.queued((answer as { matched: number }).matched)}
        >
          {r.button}
        </ActionButton>
      )}
    </section>
  );
}
