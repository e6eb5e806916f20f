import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'wouter';
import { api, must, type Schemas } from '../../api/client';
import { ActionButton } from '../../components/action-button';
import { QueryState } from '../../components/query-state';
import { t } from '../../texts';
import { DryRunReport } from './dry-run-report';
import { WizardFrame } from './wizard-steps';

const d = t.setupWizard.test;

/** Test: a dry run of each flow with the per-field diff, then "Go live" switches the flows on. */
export function TestStep({ pairId }: { pairId: string }) {
  const flows = useQuery({
    queryKey: ['flows', pairId],
    queryFn: () => must(api.GET('/api/flows', { params: { query: { pair: pairId } } })),
  });
  return (
    <WizardFrame step="test" pairId={pairId}>
      <p>{d.intro}</p>
      <QueryState query={flows}>
        {({ items }) => (
          <>
            {items.map((f) => (
              <FlowTest key={f.id} flow={f} />
            ))}
            <GoLive flows={items} />
          </>
        )}
      </QueryState>
    </WizardFrame>
  );
}

function FlowTest({ flow }: { flow: Schemas['Flow'] }) {
  const [report, setReport] = useState<Schemas['DryRun'] | null>(null);
  const dryRun = async () => {
    const answer = await must(
      api.POST('/api/flows/{id}/dry-run', { params: { path: { id: flow.id } }, body: { maxRecords: 20 } }),
    );
    setReport(answer);
  };
  const runNow = () => must(api.POST('/api/flows/{id}/runs', { params: { path: { id: flow.id } } }));
  return (
    <section className="card" aria-labelledby={`test-${flow.id}`}>
      <h2 id={`test-${flow.id}`}>
        {flow.id} <span className="muted">({flow.enabled ? d.enabled : d.disabled})</span>
      </h2>
      <ActionButton role="operator" action={dryRun} label={d.dryRunOf(flow.id)}>
        {d.dryRun}
      </ActionButton>
      {flow.enabled && (
        <ActionButton role="operator" action={runNow} label={d.runNowOf(flow.id)} done={d.runStarted}>
          {d.runNow}
        </ActionButton>
      )}
      {report && <DryRunReport report={report} />}
    </section>
  );
}

function GoLive({ flows }: { flows: Array<Schemas['Flow']> }) {
  const live = flows.length > 0 && flows.every((f) => f.enabled);
  const goLive = async () => {
    for (const f of flows.filter((x) => !x.enabled))
      await must(api.POST('/api/flows/{id}/enable', { params: { path: { id: f.id } } }));
  };
  return (
    <section className="card" aria-labelledby="wizard-go-live">
      <h2 id="wizard-go-live">{d.goLive}</h2>
      {live ? (
        <p>
          {d.live} <Link href="~/activity">{d.toActivity}</Link>
        </p>
      ) : (
        <>
          <p>{d.goLiveHint}</p>
          <ActionButton role="owner" primary action={goLive}>
            {d.goLive}
          </ActionButton>
        </>
      )}
    </section>
  );
}
