import { useEffect, useRef } from 'react';
import { t } from '../../texts';
import { emptyFieldRow, type FieldRow, type Origin } from './draft-model';
import { lineCount, readValue, valueText } from './value-text';

const m = t.mappings.fields;
const origins: Origin[] = ['source', 'expr', 'default'];

/** Every target field of the draft: where it comes from, its default, value map and switches. */
export function FieldTable({
  rows,
  mapNames,
  onChange,
  canEdit,
  focus,
}: {
  rows: FieldRow[];
  mapNames: string[];
  onChange: (rows: FieldRow[]) => void;
  canEdit: boolean;
  /** A target field to show first: a link from a failure names the field to fix. */
  focus?: string | null;
}) {
  const table = useRef<HTMLTableElement>(null);
  useEffect(() => {
    if (!focus) return;
    const found = table.current?.querySelector<HTMLElement>(`[data-target="${CSS.escape(focus)}"]`);
    found?.scrollIntoView({ block: 'center' });
    found?.focus();
    // Only once, when the page opens at the field; not again while the person types.
  }, []);
  const targets = rows.map((r) => r.target);
  const twice = new Set(targets.filter((name, i) => targets.indexOf(name) !== i));
  const update = (id: number, patch: Partial<FieldRow>) =>
    onChange(rows.map((r) => (r.id === id ? { ...r, ...patch } : r)));
  return (
    <section aria-labelledby="fields-heading" className="card">
      <h2 id="fields-heading">{m.heading}</h2>
      <p className="muted">{m.help}</p>
      <div className="table-scroll">
        <table className="mapping-fields" ref={table}>
          <thead>
            <tr>
              <th scope="col">{m.target}</th>
              <th scope="col">{m.origin}</th>
              <th scope="col">{m.from}</th>
              <th scope="col">{m.default}</th>
              <th scope="col">{m.valueMap}</th>
              <th scope="col">{m.required}</th>
              <th scope="col">{m.overwrite}</th>
              {canEdit && <th scope="col">{m.actions}</th>}
            </tr>
          </thead>
          <tbody>
            {rows.map((row, i) => {
              const name = row.target || m.targetOf(i + 1);
              return (
                <tr key={row.id}>
                  <td className="target">
                    <input
                      aria-label={m.targetOf(i + 1)}
                      value={row.target}
                      readOnly={!canEdit}
                      aria-invalid={twice.has(row.target) || row.target === ''}
                      aria-describedby={twice.has(row.target) ? `twice-${row.id}` : undefined}
                      onChange={(e) => update(row.id, { target: e.target.value })}
                    />
                    {twice.has(row.target) && (
                      <span id={`twice-${row.id}`} className="error">
                        {m.twice}
                      </span>
                    )}
                  </td>
                  <td>
                    <select
                      aria-label={m.originOf(name)}
                      value={row.origin}
                      disabled={!canEdit}
                      onChange={(e) => update(row.id, { origin: e.target.value as Origin })}
                    >
                      {origins.map((o) => (
                        <option key={o} value={o}>
                          {m.origins[o]}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>
                    {row.origin === 'expr' && (
                      <textarea
                        className="code expr"
                        data-target={row.target}
                        aria-label={m.fromOf(name)}
                        value={row.from}
                        readOnly={!canEdit}
                        rows={Math.min(6, lineCount(row.from, 30))}
                        spellCheck={false}
                        onChange={(e) => update(row.id, { from: e.target.value })}
                      />
                    )}
                    {row.origin === 'source' && (
                      <input
                        className="code"
                        data-target={row.target}
                        aria-label={m.fromOf(name)}
                        value={row.from}
                        readOnly={!canEdit}
                        spellCheck={false}
                        onChange={(e) => update(row.id, { from: e.target.value })}
                      />
                    )}
                  </td>
                  <td className="default">
                    <input
                      aria-label={m.defaultOf(name)}
                      value={valueText(row.default)}
                      readOnly={!canEdit}
                      onChange={(e) => update(row.id, { default: readValue(e.target.value, row.default) })}
                    />
                  </td>
                  <td>
                    <select
                      aria-label={m.valueMapOf(name)}
                      value={row.valueMap}
                      disabled={!canEdit}
                      onChange={(e) => update(row.id, { valueMap: e.target.value })}
                    >
                      <option value="">{m.noValueMap}</option>
                      {mapNames.map((n) => (
                        <option key={n} value={n}>
                          {n}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={m.requiredOf(name)}
                      checked={row.required}
                      disabled={!canEdit}
                      onChange={(e) => update(row.id, { required: e.target.checked })}
                    />
                  </td>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={m.overwriteOf(name)}
                      checked={row.overwrite}
                      disabled={!canEdit}
                      onChange={(e) => update(row.id, { overwrite: e.target.checked })}
                    />
                  </td>
                  {canEdit && (
                    <td>
                      <button
                        type="button"
                        aria-label={m.removeOf(name)}
                        onClick={() => onChange(rows.filter((r) => r.id !== row.id))}
                      >
                        {m.remove}
                      </button>
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {canEdit && (
        <button type="button" onClick={() => onChange([...rows, emptyFieldRow()])}>
          {m.add}
        </button>
      )}
    </section>
  );
}
