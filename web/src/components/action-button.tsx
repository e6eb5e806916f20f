import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { useCan } from '../session';

type Role = 'viewer' | 'operator' | 'owner';

/**
 * A button that does one thing through the API: shown only to people whose role may do it (the API
 * refuses the others anyway), busy while it runs, its error in one sentence next to it, and every
 * query refreshed afterwards so the page shows the outcome.
 */
export function ActionButton({
  role,
  action,
  children,
  done,
  primary,
  label,
}: {
  role: Role;
  action: () => Promise<unknown>;
  children: ReactNode;
  /** What to say once it worked (announced to screen readers). */
  done?: string | ((result: unknown) => string);
  primary?: boolean;
  /** An accessible name when the visible text is not enough ("Replay" → "Replay INV-7"). */
  label?: string;
}) {
  const allowed = useCan(role);
  const queries = useQueryClient();
  const [said, setSaid] = useState('');
  const mutation = useMutation({
    mutationFn: action,
    onSuccess: async (result) => {
      setSaid(typeof done === 'function' ? done(result) : (done ?? ''));
      await queries.invalidateQueries();
    },
  });
  if (!allowed) return null;
  return (
    <span className="action">
      <button
        type="button"
        className={primary ? 'primary' : undefined}
        disabled={mutation.isPending}
        aria-label={label}
        onClick={() => {
          setSaid('');
          mutation.mutate();
        }}
      >
        {children}
      </button>
      <span role="status">{mutation.isSuccess ? said : ''}</span>
      {mutation.isError && <span role="alert">{mutation.error.message}</span>}
    </span>
  );
}
