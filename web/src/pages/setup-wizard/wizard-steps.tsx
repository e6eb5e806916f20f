import type { ReactNode } from 'react';
import { Link } from 'wouter';
import { PageTitle } from '../../components/layout';
import { t } from '../../texts';

const w = t.setupWizard;

/** The steps in order, each at `/setup-wizard/<pair>/<step>` (the first one has no pair yet). */
export const stepOrder = ['pair', 'exact', 'asperion', 'flows', 'settings', 'mappings', 'test'] as const;
export type Step = (typeof stepOrder)[number];

export const stepHref = (step: Step, pairId?: string) =>
  step === 'pair' || pairId === undefined ? '/' : `/${encodeURIComponent(pairId)}/${step}`;

/** The wizard's frame: its title, where the person is among the steps, and the step itself. */
export function WizardFrame({
  step,
  pairId,
  children,
}: {
  step: Step;
  pairId?: string | undefined;
  children: ReactNode;
}) {
  return (
    <>
      <PageTitle>{`${w.title}: ${w.steps[step] ?? step}`}</PageTitle>
      <nav aria-label={w.steps.label} className="wizard-steps">
        <ol>
          {stepOrder.map((s) => (
            <li key={s}>
              {pairId === undefined && s !== 'pair' ? (
                <span className="muted">{w.steps[s]}</span>
              ) : (
                <Link href={stepHref(s, pairId)} aria-current={s === step ? 'step' : undefined}>
                  {w.steps[s]}
                </Link>
              )}
            </li>
          ))}
        </ol>
      </nav>
      {children}
    </>
  );
}

/** The way on, as a link: every step may be left unfinished and come back to. */
export function NextStep({ step, pairId }: { step: Step; pairId: string }) {
  const next = stepOrder[stepOrder.indexOf(step) + 1];
  if (!next) return null;
  return (
    <p>
      <Link className="next" href={stepHref(next, pairId)}>
        {`${w.next}: ${w.steps[next]}`}
      </Link>
    </p>
  );
}
