import { t } from '../../texts';
import { nextId, type FallbackMode, type ValueMapDraft } from './draft-model';
import { readValue, sampleValue, valueText } from './value-text';

const v = t.mappings.valueMaps;
const modes: FallbackMode[] = ['error', 'none', 'value'];

/** One value map as an editable table: source value → target value, and what an unknown value does. */
export function ValueMapTable({
  map,
  onChange,
  onRemove,
  canEdit,
}: {
  map: ValueMapDraft;
  onChange: (map: ValueMapDraft) => void;
  onRemove: () => void;
  canEdit: boolean;
}) {
  const like = sampleValue(map.rows.map((r) => r.to));
  const setRow = (id: number, patch: { from?: string; to?: unknown }) =>
    onChange({ ...map, rows: map.rows.map((r) => (r.id === id ? { ...r, ...patch } : r)) });
  return (
    <div className="value-map">
      <table>
        <caption>{v.caption(map.name)}</caption>
        <thead>
          <tr>
            <th scope="col">{v.from}</th>
            <th scope="col">{v.to}</th>
            {canEdit && <th scope="col">{t.mappings.fields.actions}</th>}
          </tr>
        </thead>
        <tbody>
          {map.rows.map((row, i) => (
            <tr key={row.id}>
              <td>
                <input
                  aria-label={v.fromOf(map.name, i + 1)}
                  value={row.from}
                  readOnly={!canEdit}
                  size={12}
                  onChange={(e) => setRow(row.id, { from: e.target.value })}
                />
              </td>
              <td>
                <input
                  aria-label={v.toOf(map.name, i + 1)}
                  value={valueText(row.to)}
                  readOnly={!canEdit}
                  size={12}
                  onChange={(e) => setRow(row.id, { to: readValue(e.target.value, row.to ?? like) })}
                />
              </td>
              {canEdit && (
                <td>
                  <button
                    type="button"
                    aria-label={v.removeRow(map.name, row.from)}
                    onClick={() => onChange({ ...map, rows: map.rows.filter((r) => r.id !== row.id) })}
                  >
                    {v.remove}
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="fallback">
        <span>{v.fallback}</span>{' '}
        <select
          aria-label={v.fallbackOf(map.name)}
          value={map.fallback}
          disabled={!canEdit}
          onChange={(e) => onChange({ ...map, fallback: e.target.value as FallbackMode })}
        >
          {modes.map((mode) => (
            <option key={mode} value={mode}>
              {v.fallbackModes[mode]}
            </option>
          ))}
        </select>{' '}
        {map.fallback === 'value' && (
          <input
            aria-label={v.fallbackValue(map.name)}
            value={valueText(map.fallbackValue)}
            readOnly={!canEdit}
            size={12}
            onChange={(e) =>
              onChange({ ...map, fallbackValue: readValue(e.target.value, map.fallbackValue ?? like) })
            }
          />
        )}
      </p>
      {canEdit && (
        <p>
          <button
            type="button"
            aria-label={v.addRow(map.name)}
            onClick={() => onChange({ ...map, rows: [...map.rows, { id: nextId(), from: '', to: null }] })}
          >
            {v.add}
          </button>{' '}
          <button type="button" onClick={onRemove}>
            {v.removeMap(map.name)}
          </button>
        </p>
      )}
    </div>
  );
}
