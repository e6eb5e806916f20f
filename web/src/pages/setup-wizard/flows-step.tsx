import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, must, type Schemas } from '../../api/client';
import { QueryState } from '../../components/query-state';
import { useCan } from '../../session';
import { t } from '../../texts';
import { NextStep, WizardFrame } from './wizard-steps';

const f = t.setupWizard.flows;

/** Every few minutes once live; webhooks bring changes sooner where the source has them. */
const defaultSchedule = '*/5 * * * *';

/** The id the wizard gives a pair's flow of a kind: one per kind and pair. */
export const flowIdOf = (pairId: string, kind: string) => `${pairId}-${kind}`;

/** Choose what to link: one flow per kind, made switched off, between the pair's two connections. */
export function FlowsStep({ pairId }: { pairId: string }) {
  const kinds = useQuery({ queryKey: ['flow-kinds'], queryFn: () => must(api.GET('/api/flow-kinds')) });
  const flows = useQuery({
    queryKey: ['flows', pairId],
    queryFn: () => must(api.GET('/api/flows', { params: { query: { pair: pairId } } })),
  });
  const connections = useQuery({
    queryKey: ['connections', pairId],
    queryFn: () => must(api.GET('/api/connections', { params: { query: { pair: pairId } } })),
  });
  return (
    <WizardFrame step="flows" pairId={pairId}>
      <p>{f.intro}</p>
      <QueryState query={kinds}>
        {({ items }) => (
          <QueryState query={flows}>
            {(existing) => (
              <QueryState query={connections}>
                {(conns) => (
                  <FlowChoice
                    pairId={pairId}
                    kinds={items}
                    existing={existing.items}
                    connections={conns.items}
                  />
                )}
              </QueryState>
            )}
          </QueryState>
        )}
      </QueryState>
      <NextStep step="flows" pairId={pairId} />
    </WizardFrame>
  );
}

function FlowChoice({
  pairId,
  kinds,
  existing,
  connections,
}: {
  pairId: string;
  kinds: Array<Schemas['FlowKind']>;
  existing: Array<Schemas['Flow']>;
  connections: Array<Schemas['Connection']>;
}) {
  const has = (kind: string) => existing.some((x) => x.kind === kind);
  const [chosen, setChosen] = useState<string[]>([]);
  const queries = useQueryClient();
  const connectionOf = (app: string) => connections.find((x) => x.app === app)?.id;
  const create = useMutation({
    mutationFn: async () => {
      if (chosen.length === 0) throw new Error(f.none);
      for (const kind of kinds.filter((k) => chosen.includes(k.name))) {
        const source = connectionOf(kind.sourceApp);
        const target = connectionOf(kind.targetApp);
        if (!source || !target) throw new Error(f.needsConnections);
        await must(
          api.POST('/api/flows', {
            body: {
              id: flowIdOf(pairId, kind.name),
              pairId,
              kind: kind.name,
              source,
              target,
              enabled: false,
              schedule: defaultSchedule,
              settings: startingToday(kind),
            },
          }),
        );
      }
    },
    onSuccess: async () => {
      setChosen([]);
      await queries.invalidateQueries();
    },
  });
  const owner = useCan('owner');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <form onSubmit={submit} className="card">
      <fieldset className="kinds">
        <legend>{f.legend}</legend>
        {kinds.map((k) => (
          <div key={k.name} className="kind">
            <label className="check">
              <input
                type="checkbox"
                disabled={has(k.name) || !owner}
                checked={has(k.name) || chosen.includes(k.name)}
                aria-describedby={`kind-${k.name}`}
                onChange={(e) =>
                  setChosen(e.target.checked ? [...chosen, k.name] : chosen.filter((x) => x !== k.name))
                }
              />
              {k.title}
              {has(k.name) && <span className="muted"> ({f.exists})</span>}
            </label>
            <p id={`kind-${k.name}`} className="muted">
              {f.direction(k.direction, k.entity)} {k.webhooks ? f.webhooks : ''}
            </p>
          </div>
        ))}
      </fieldset>
      {owner && kinds.some((k) => !has(k.name)) && (
        <p>
          <button type="submit" className="primary" disabled={create.isPending}>
            {f.create}
          </button>
        </p>
      )}
      {create.isError && <p role="alert">{create.error.message}</p>}
    </form>
  );
}

/**
 * A kind that can start from a date (orders) starts from today: a new flow moves the documents made
 * from now on, not the division's history, which Asperion's books already hold. The settings step
 * shows the date, to move it back on purpose.
 */
function startingToday(kind: Schemas['FlowKind']): Record<string, unknown> {
  const properties = (kind.settingsSchema as { properties?: Record<string, unknown> }).properties ?? {};
  if (!('documentsFrom' in properties)) return {};
  const now = new Date();
  const today = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
  return { documentsFrom: today };
}
