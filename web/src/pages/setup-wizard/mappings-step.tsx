import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'wouter';
import { api, must, type Schemas } from '../../api/client';
import { ActionButton } from '../../components/action-button';
import { QueryState } from '../../components/query-state';
import { useCan } from '../../session';
import { t } from '../../texts';
import { mapNameOf, saveChoices, suggestedValueOf } from './mapping-choices';
import { NextStep, WizardFrame } from './wizard-steps';

const m = t.setupWizard.mappings;
type FlowCheck = Schemas['MappingCheck']['flows'][number];

/** Mappings that need a person: the pair's check as "Exact value → Asperion value", suggestions filled in. */
export function MappingsStep({ pairId }: { pairId: string }) {
  const operator = useCan('operator');
  const check = useQuery({
    // The API lets only operators spend the calls a check costs.
    enabled: operator,
    queryKey: ['check', pairId],
    queryFn: () => must(api.GET('/api/pairs/{id}/check', { params: { path: { id: pairId } } })),
    // It reads both systems: only when asked, not every few seconds.
    refetchInterval: false,
    staleTime: Infinity,
  });
  return (
    <WizardFrame step="mappings" pairId={pairId}>
      <p>{m.intro}</p>
      <p>
        <ActionButton role="operator" action={() => check.refetch()}>
          {m.check}
        </ActionButton>
      </p>
      {check.isFetching && <p aria-busy="true">{m.checking}</p>}
      {!operator && <p>{m.needsOperator}</p>}
      {operator && (
        <QueryState query={check}>
          {(answer) => (
            <>
              {answer.flows.map((f) => (
                <FlowMappings key={`${f.flowId}-${check.dataUpdatedAt}`} pairId={pairId} check={f} />
              ))}
            </>
          )}
        </QueryState>
      )}
      <NextStep step="mappings" pairId={pairId} />
    </WizardFrame>
  );
}

function FlowMappings({ pairId, check }: { pairId: string; check: FlowCheck }) {
  if (check.status === 'not_checked') return null;
  if (check.status === 'error')
    return (
      <section className="card" aria-labelledby={`check-${check.flowId}`}>
        <h2 id={`check-${check.flowId}`}>{check.flowId}</h2>
        <p role="alert">{check.error.message}</p>
      </section>
    );
  const mappable = check.missing.filter((x) => !x.informational && mapNameOf(x));
  const elsewhere = check.missing.filter((x) => !x.informational && !mapNameOf(x));
  return (
    <section className="card" aria-labelledby={`check-${check.flowId}`}>
      <h2 id={`check-${check.flowId}`}>{check.flowId}</h2>
      {mappable.length === 0 ? <p>{m.allMapped}</p> : <ChoiceTable flowId={check.flowId} rows={mappable} />}
      {elsewhere.length > 0 && (
        <>
          <h3>{m.elsewhere}</h3>
          <p className="muted">{m.elsewhereIntro}</p>
          <ul>
            {elsewhere.map((x) => (
              <li key={`${x.domain}-${x.value}-${x.where}`}>
                <strong>{x.value}</strong>: {x.where}
                {x.where.includes('settings.') && (
                  <>
                    {' '}
                    <Link
                      href={`/${encodeURIComponent(pairId)}/settings/${encodeURIComponent(check.flowId)}`}
                    >
                      {m.toSettings(x.value)}
                    </Link>
                  </>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function ChoiceTable({ flowId, rows }: { flowId: string; rows: Array<Schemas['MissingMapping']> }) {
  const [targets, setTargets] = useState<string[]>(() => rows.map(suggestedValueOf));
  const save = () =>
    saveChoices(
      flowId,
      rows.map((r, i) => ({ mapName: mapNameOf(r) ?? '', value: r.value, target: targets[i] ?? '' })),
    );
  return (
    <>
      <table>
        <caption>{m.caption(flowId)}</caption>
        <thead>
          <tr>
            <th scope="col">{m.domain}</th>
            <th scope="col">{m.exact}</th>
            <th scope="col">{m.asperion}</th>
            <th scope="col">{m.why}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={`${r.domain}-${r.value}`}>
              <td>{m.domains[r.domain] ?? r.domain}</td>
              <th scope="row">{r.value}</th>
              <td>
                <TargetField
                  label={m.asperionFor(m.domains[r.domain] ?? r.domain, r.value)}
                  choices={r.choices}
                  value={targets[i] ?? ''}
                  onChange={(v) => setTargets(targets.map((x, j) => (j === i ? v : x)))}
                />
              </td>
              <td className="muted">{r.suggestion ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <ActionButton
        role="owner"
        primary
        action={save}
        done={(r) => m.savedVersion((r as { version: number }).version)}
      >
        {m.save}
      </ActionButton>
    </>
  );
}

/**
 * The target value: a list of what the target has when the check names it (the suggestion
 * pre-selected), else a text field. Empty means "leave it unmapped for now".
 */
function TargetField({
  label,
  choices,
  value,
  onChange,
}: {
  label: string;
  choices: Schemas['MissingMapping']['choices'];
  value: string;
  onChange: (value: string) => void;
}) {
  if (!choices || choices.length === 0)
    return <input aria-label={label} value={value} onChange={(e) => onChange(e.target.value)} />;
  return (
    <select aria-label={label} value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="">{m.leaveUnmapped}</option>
      {choices.map((c) => (
        <option key={c.value} value={c.value}>
          {c.label}
        </option>
      ))}
    </select>
  );
}
