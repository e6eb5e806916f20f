import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useSearchParams } from 'wouter';
import { api, must } from '../../api/client';
import { PageTitle } from '../../components/layout';
import { QueryState } from '../../components/query-state';
import { useCan } from '../../session';
import { t } from '../../texts';
import { DeadLetterGroup } from './dead-letter-group';
import type { ReplayMode } from './replay-outcome';
import './dead-letters.css';

const d = t.deadLetters;
const modes: ReplayMode[] = ['current', 'as-was'];

/**
 * Fix and replay: the open dead letters by flow and error, each group with its sentence, where to
 * fix it and (for operators) replay, dismiss and the choices only a person can make.
 */
export function DeadLettersPage() {
  const groups = useQuery({
    queryKey: ['dead-letter-groups'],
    queryFn: () => must(api.GET('/api/dead-letters/groups')),
  });
  const operator = useCan('operator');
  const [mode, setMode] = useState<ReplayMode>('current');
  const [outcome, setOutcome] = useState('');
  // An alert's link names the flow and error it is about; the page opens on that group alone.
  const [search] = useSearchParams();
  const flow = search.get('flow');
  const code = search.get('error');
  const filtered = flow !== null || code !== null;
  return (
    <>
      <PageTitle>{d.title}</PageTitle>
      <p>{d.intro}</p>
      {operator && (
        <fieldset className="replay-mode">
          <legend>{d.modeLegend}</legend>
          {modes.map((m) => (
            <label key={m} className="radio">
              <input
                type="radio"
                name="replay-mode"
                value={m}
                checked={mode === m}
                onChange={() => setMode(m)}
              />
              {d.modes[m]}
            </label>
          ))}
        </fieldset>
      )}
      <p role="status" className="outcome">
        {outcome}
      </p>
      {filtered && (
        <p>
          {d.filtered(flow, code)} <Link href="/">{d.showAll}</Link>
        </p>
      )}
      <QueryState query={groups}>
        {({ items: all }) => {
          const items = all.filter(
            (g) => (flow === null || g.flowId === flow) && (code === null || g.code === code),
          );
          return items.length === 0 ? (
            <p>{filtered ? d.noneFiltered : d.none}</p>
          ) : (
            items.map((g) => (
              <DeadLetterGroup
                key={`${g.pairId}/${g.flowId}/${g.code}`}
                group={g}
                mode={mode}
                report={setOutcome}
              />
            ))
          );
        }}
      </QueryState>
    </>
  );
}
