import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ApiError, must, type Schemas } from '../../api/client';
import { formatDateTime } from '../../format';
import { t } from '../../texts';
import { draftOf, fieldsOf, shown, valueOf, type Draft, type FieldSpec } from './setting-values';

const s = t.settings.retention;
type Setting = Schemas['Setting'];

export const labelOf = (key: string, name: string) => t.settings.keys[key]?.[name] ?? name;
export const titleOf = (key: string) => t.settings.keys[key]?.title ?? key;

/** The API's description of a setting, its `field names` set as code. */
export function Description({ text }: { text: string }) {
  return (
    <p className="muted">
      {text.split('`').map((part, i) => (i % 2 === 1 ? <code key={i}>{part}</code> : part))}
    </p>
  );
}

/** The API's problems by field path ("retention.payloadDays" → its sentence). */
function problemsOf(error: Error | null): Map<string, string> {
  const list =
    error instanceof ApiError ? (error.details?.errors as Array<{ path: string; reason: string }>) : [];
  return new Map((list ?? []).map((p) => [p.path, p.reason]));
}

/** One installation setting as a form: the value in effect, each field's default, problems at their field. */
export function SettingForm({ setting }: { setting: Setting }) {
  const queries = useQueryClient();
  const fields = fieldsOf(setting.key, setting.default);
  const [draft, setDraft] = useState<Draft>(() => draftOf(fields, setting.effective));
  const save = useMutation({
    mutationFn: () =>
      must(
        api.PUT('/api/settings/{key}', {
          params: { path: { key: setting.key } },
          body: { value: valueOf(fields, draft) },
        }),
      ),
    onSuccess: () => queries.invalidateQueries({ queryKey: ['settings'] }),
  });
  const reset = useMutation({
    mutationFn: () => must(api.DELETE('/api/settings/{key}', { params: { path: { key: setting.key } } })),
    onSuccess: async () => {
      setDraft(draftOf(fields, setting.default));
      await queries.invalidateQueries({ queryKey: ['settings'] });
    },
  });
  const problems = problemsOf(save.error);
  const unplaced = [...problems].filter(([path]) => !fields.some((f) => f.path === path));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    reset.reset();
    save.mutate();
  };
  const title = titleOf(setting.key);
  return (
    <form className="card" onSubmit={submit} aria-labelledby={`setting-${setting.key}`} noValidate>
      <h2 id={`setting-${setting.key}`}>{title}</h2>
      <Description text={setting.description} />
      <p className="muted">
        {setting.updatedAt ? s.updated(formatDateTime(setting.updatedAt)) : s.storedNone}
      </p>
      {fields.map((f, i) => (
        <div key={f.path}>
          {f.group && fields[i - 1]?.group !== f.group && <h3>{labelOf(setting.key, f.group)}</h3>}
          <Field
            field={f}
            label={labelOf(setting.key, f.name)}
            value={draft[f.path]}
            problem={problems.get(f.path)}
            onChange={(v) => setDraft({ ...draft, [f.path]: v })}
          />
        </div>
      ))}
      {save.isError && (
        <p role="alert">
          {s.problems} {unplaced.length > 0 || problems.size === 0 ? save.error.message : ''}
        </p>
      )}
      <button type="submit" className="primary" disabled={save.isPending}>
        {s.save}
      </button>{' '}
      {setting.value !== null && (
        <button type="button" aria-label={s.resetNamed(title)} onClick={() => reset.mutate()}>
          {s.reset}
        </button>
      )}{' '}
      <span role="status">{save.isSuccess ? s.savedKey(title) : reset.isSuccess ? s.resetDone : ''}</span>
      {reset.isError && <p role="alert">{reset.error.message}</p>}
    </form>
  );
}

function Field({
  field,
  label,
  value,
  problem,
  onChange,
}: {
  field: FieldSpec;
  label: string;
  value: string | boolean | undefined;
  problem: string | undefined;
  onChange: (v: string | boolean) => void;
}) {
  const id = `field-${field.path}`;
  const hint = `${s.defaultIs(shown(field.defaultValue, s))}${field.kind === 'list' ? ` ${s.onePerLine}` : ''}`;
  const described = `${id}-hint${problem ? ` ${id}-problem` : ''}`;
  const common = { id, 'aria-describedby': described, 'aria-invalid': problem ? true : undefined };
  return (
    <div className="setting-field">
      {field.kind === 'boolean' ? (
        <label className="inline">
          <input
            type="checkbox"
            {...common}
            checked={value === true}
            onChange={(e) => onChange(e.target.checked)}
          />{' '}
          {label}
        </label>
      ) : (
        <label htmlFor={id}>{label}</label>
      )}
      {field.kind === 'number' && (
        <input
          type="number"
          step="any"
          {...common}
          value={String(value ?? '')}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
      {field.kind === 'list' && (
        <textarea
          rows={5}
          {...common}
          value={String(value ?? '')}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
      <span className="hint" id={`${id}-hint`}>
        {hint}
      </span>
      {problem && (
        <span role="alert" id={`${id}-problem`}>
          {problem}
        </span>
      )}
    </div>
  );
}
