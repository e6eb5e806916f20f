import { useQuery } from '@tanstack/react-query';
import { useId } from 'react';
import { api, must } from '../../api/client';
import { t } from '../../texts';

const s = t.settings;
export type Role = 'viewer' | 'operator' | 'owner';
export const roleChoices: readonly Role[] = ['viewer', 'operator', 'owner'];

/** A role to choose, each option saying what that role may do. */
export function RoleField({
  value,
  onChange,
  label,
}: {
  value: Role;
  onChange: (r: Role) => void;
  label: string;
}) {
  const id = useId();
  // A label beside the select, not around it: around it, the chosen option would join the name.
  return (
    <span className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value as Role)}>
        {roleChoices.map((r) => (
          <option key={r} value={r}>
            {s.roleHelp[r]}
          </option>
        ))}
      </select>
    </span>
  );
}

/**
 * Which pairs a user or token sees: every pair (null, pairs added later included) or a chosen few.
 * Unticking "every pair" with none chosen means no pair yet, which the API accepts.
 */
export function PairScopeField({
  value,
  onChange,
}: {
  value: string[] | null;
  onChange: (scope: string[] | null) => void;
}) {
  const id = useId();
  const pairs = useQuery({ queryKey: ['pairs'], queryFn: () => must(api.GET('/api/pairs')) });
  const chosen = new Set(value ?? []);
  const toggle = (pair: string, on: boolean) =>
    onChange([...chosen].filter((p) => p !== pair).concat(on ? [pair] : []));
  return (
    <fieldset>
      <legend>{s.scope.legend}</legend>
      <label className="inline">
        <input
          type="checkbox"
          checked={value === null}
          onChange={(e) => onChange(e.target.checked ? null : [])}
        />{' '}
        {s.scope.every}
      </label>
      {value !== null && (
        <div role="group" aria-labelledby={`${id}-pick`}>
          <span id={`${id}-pick`}>{s.scope.pick}</span>
          {(pairs.data?.items ?? []).map((p) => (
            <label key={p.id} className="inline">
              <input
                type="checkbox"
                checked={chosen.has(p.id)}
                onChange={(e) => toggle(p.id, e.target.checked)}
              />{' '}
              {p.name}
            </label>
          ))}
        </div>
      )}
    </fieldset>
  );
}

/** A pair scope in words: "every pair" or the pairs' ids. */
export function scopeText(scope: readonly string[] | null): string {
  return scope === null ? s.scope.everyShort : scope.join(', ');
}
