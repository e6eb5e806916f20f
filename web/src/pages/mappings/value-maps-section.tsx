import { useState } from 'react';
import { t } from '../../texts';
import { nextId, type ValueMapDraft } from './draft-model';
import { ValueMapTable } from './value-map-table';

const v = t.mappings.valueMaps;

/** The draft's value maps, each an editable table; an owner may add or remove whole maps. */
export function ValueMapsSection({
  maps,
  onChange,
  canEdit,
}: {
  maps: ValueMapDraft[];
  onChange: (maps: ValueMapDraft[]) => void;
  canEdit: boolean;
}) {
  const [newName, setNewName] = useState('');
  const name = newName.trim();
  return (
    <section aria-labelledby="value-maps-heading" className="card">
      <h2 id="value-maps-heading">{v.heading}</h2>
      <p className="muted">{v.help}</p>
      <div className="value-maps">
        {maps.map((map) => (
          <ValueMapTable
            key={map.id}
            map={map}
            canEdit={canEdit}
            onChange={(changed) => onChange(maps.map((m) => (m.id === map.id ? changed : m)))}
            onRemove={() => onChange(maps.filter((m) => m.id !== map.id))}
          />
        ))}
      </div>
      {canEdit && (
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (name === '' || maps.some((m) => m.name === name)) return;
            onChange([
              ...maps,
              { id: nextId(), name, rows: [], fallback: 'error', fallbackValue: undefined },
            ]);
            setNewName('');
          }}
        >
          <label>
            {v.newMap}
            <input value={newName} onChange={(e) => setNewName(e.target.value)} />
          </label>{' '}
          <button type="submit">{v.addMap}</button>
        </form>
      )}
    </section>
  );
}
