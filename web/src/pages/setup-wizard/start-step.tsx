import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useLocation } from 'wouter';
import { api, must } from '../../api/client';
import { QueryState } from '../../components/query-state';
import { useCan } from '../../session';
import { t } from '../../texts';
import { stepHref, WizardFrame } from './wizard-steps';

const s = t.setupWizard.start;

/** The first step: go on with a pair, or add one (owners only, as the API allows). */
export function StartStep() {
  const pairs = useQuery({ queryKey: ['pairs'], queryFn: () => must(api.GET('/api/pairs')) });
  return (
    <WizardFrame step="pair">
      <p>{s.intro}</p>
      <QueryState query={pairs}>
        {({ items }) =>
          items.length === 0 ? null : (
            <section aria-labelledby="wizard-pairs" className="card">
              <h2 id="wizard-pairs">{s.existing}</h2>
              <ul>
                {items.map((p) => (
                  <li key={p.id}>
                    <Link href={stepHref('exact', p.id)}>{s.continueWith(p.name)}</Link>
                  </li>
                ))}
              </ul>
            </section>
          )
        }
      </QueryState>
      {useCan('owner') && <NewPairForm />}
    </WizardFrame>
  );
}

function NewPairForm() {
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [, navigate] = useLocation();
  const queries = useQueryClient();
  const create = useMutation({
    mutationFn: () => must(api.POST('/api/pairs', { body: { id, name } })),
    onSuccess: async (pair) => {
      await queries.invalidateQueries({ queryKey: ['pairs'] });
      navigate(stepHref('exact', pair.id));
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <section aria-labelledby="wizard-new-pair" className="card">
      <h2 id="wizard-new-pair">{s.add}</h2>
      <form onSubmit={submit} className="stack">
        <label>
          {s.name}
          <input required value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          {s.id}
          <input
            required
            pattern="[a-z0-9][a-z0-9\-]*"
            aria-describedby="wizard-pair-id-hint"
            value={id}
            onChange={(e) => setId(e.target.value)}
          />
          <span id="wizard-pair-id-hint" className="muted">
            {s.idHint}
          </span>
        </label>
        <div>
          <button type="submit" className="primary" disabled={create.isPending}>
            {s.create}
          </button>
        </div>
        {create.isError && <p role="alert">{create.error.message}</p>}
      </form>
    </section>
  );
}
