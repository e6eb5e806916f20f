import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'wouter';
import { ApiError, api, must, type Schemas } from '../../api/client';
import { QueryState } from '../../components/query-state';
import { SchemaFormFields, type FieldErrors, type JsonSchema } from '../../components/schema-form-fields';
import { useCan } from '../../session';
import { t } from '../../texts';
import { NextStep, WizardFrame } from './wizard-steps';

const s = t.setupWizard.settings;

/** State your wishes: each flow's settings as a form generated from its kind's schema. */
export function SettingsStep({ pairId, flowId }: { pairId: string; flowId?: string | undefined }) {
  const kinds = useQuery({ queryKey: ['flow-kinds'], queryFn: () => must(api.GET('/api/flow-kinds')) });
  const flows = useQuery({
    queryKey: ['flows', pairId],
    queryFn: () => must(api.GET('/api/flows', { params: { query: { pair: pairId } } })),
    // A form being filled in is not replaced by a refresh under the person's hands.
    refetchInterval: false,
  });
  return (
    <WizardFrame step="settings" pairId={pairId}>
      <p>{s.intro}</p>
      <QueryState query={flows}>
        {({ items }) => {
          const flow = items.find((f) => f.id === flowId) ?? items[0];
          const kind = kinds.data?.items.find((k) => k.name === flow?.kind);
          if (!flow) return <p>{s.noFlows}</p>;
          return (
            <>
              {items.length > 1 && (
                <ul className="flow-tabs">
                  {items.map((f) => (
                    <li key={f.id}>
                      <Link
                        href={`/${encodeURIComponent(pairId)}/settings/${encodeURIComponent(f.id)}`}
                        aria-current={f.id === flow.id ? 'page' : undefined}
                      >
                        {kinds.data?.items.find((k) => k.name === f.kind)?.title ?? f.kind}
                      </Link>
                    </li>
                  ))}
                </ul>
              )}
              {kind && <SettingsForm key={flow.id} flow={flow} kind={kind} />}
            </>
          );
        }}
      </QueryState>
      <NextStep step="settings" pairId={pairId} />
    </WizardFrame>
  );
}

function SettingsForm({ flow, kind }: { flow: Schemas['Flow']; kind: Schemas['FlowKind'] }) {
  const [value, setValue] = useState<Record<string, unknown>>(flow.settings);
  const [errors, setErrors] = useState<FieldErrors>({});
  const queries = useQueryClient();
  const save = useMutation({
    mutationFn: () =>
      must(api.PATCH('/api/flows/{id}', { params: { path: { id: flow.id } }, body: { settings: value } })),
    onMutate: () => setErrors({}),
    onSuccess: () => queries.invalidateQueries({ queryKey: ['flows'] }),
    onError: (error) => setErrors(fieldErrorsOf(error)),
  });
  const owner = useCan('owner');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <form onSubmit={submit} className="card settings-form" aria-labelledby="wizard-settings-title">
      <h2 id="wizard-settings-title">{s.flowTitle(kind.title)}</h2>
      <SchemaFormFields
        schema={kind.settingsSchema as JsonSchema}
        value={value}
        onChange={setValue}
        errors={errors}
      />
      {owner && (
        <p>
          <button type="submit" className="primary" disabled={save.isPending}>
            {s.save}
          </button>
        </p>
      )}
      <p role="status">{save.isSuccess ? t.setupWizard.saved : ''}</p>
      {save.isError && <p role="alert">{save.error.message}</p>}
    </form>
  );
}

/** The API names each refused setting by its path (`settings.debtor.matchBy`): the form's own paths. */
function fieldErrorsOf(error: Error): FieldErrors {
  if (!(error instanceof ApiError)) return {};
  const listed = (error.details?.['errors'] ?? []) as Array<{ path?: string; reason?: string }>;
  const out: FieldErrors = {};
  for (const e of listed)
    if (e.path?.startsWith('settings.') && e.reason) out[e.path.slice('settings.'.length)] = e.reason;
  return out;
}
