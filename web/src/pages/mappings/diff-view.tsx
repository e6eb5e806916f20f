import type { Schemas } from '../../api/client';
import { t } from '../../texts';

const d = t.mappings.diff;
type Diff = Schemas['MappingDiff'];

const json = (v: unknown) => (v === undefined ? '' : JSON.stringify(v));

/** What one mapping changes against another, a line per field or value map row, before and after. */
export function DiffView({ diff }: { diff: Diff }) {
  if (diff.same) return <p>{d.same}</p>;
  const { fields, valueMaps } = diff;
  return (
    <ul className="mapping-diff">
      {fields.added.map((f) => (
        <li key={`+${f.field}`} className="added">
          {d.added(f.field)}: <code>{json(f.mapping)}</code>
        </li>
      ))}
      {fields.removed.map((f) => (
        <li key={`-${f.field}`} className="removed">
          {d.removed(f.field)}: <code>{json(f.mapping)}</code>
        </li>
      ))}
      {fields.changed.map((c) => (
        <li key={`~${c.field}`}>
          {d.changed(c.field, c.properties.join(', '))}
          <BeforeAfter before={c.before} after={c.after} />
        </li>
      ))}
      {valueMaps.added.map((m) => (
        <li key={`+map ${m.name}`} className="added">
          {d.mapAdded(m.name)}: <code>{json(m.map)}</code>
        </li>
      ))}
      {valueMaps.removed.map((m) => (
        <li key={`-map ${m.name}`} className="removed">
          {d.mapRemoved(m.name)}
        </li>
      ))}
      {valueMaps.changed.flatMap((m) => [
        ...m.entries.added.map((e) => (
          <li key={`${m.name}+${e.key}`} className="added">
            {d.entryAdded(m.name, e.key)}: <code>{json(e.value)}</code>
          </li>
        )),
        ...m.entries.removed.map((e) => (
          <li key={`${m.name}-${e.key}`} className="removed">
            {d.entryRemoved(m.name, e.key)}: <code>{json(e.value)}</code>
          </li>
        )),
        ...m.entries.changed.map((e) => (
          <li key={`${m.name}~${e.key}`}>
            {d.entryChanged(m.name, e.key)}
            <BeforeAfter before={e.before} after={e.after} />
          </li>
        )),
        ...(m.fallback
          ? [
              <li key={`${m.name} fallback`}>
                {d.fallbackChanged(m.name)}
                <BeforeAfter before={m.fallback.before} after={m.fallback.after} />
              </li>,
            ]
          : []),
      ])}
    </ul>
  );
}

function BeforeAfter({ before, after }: { before: unknown; after: unknown }) {
  return (
    <dl className="before-after">
      <dt>{d.before}</dt>
      <dd>
        <del>
          <code>{json(before)}</code>
        </del>
      </dd>
      <dt>{d.after}</dt>
      <dd>
        <ins>
          <code>{json(after)}</code>
        </ins>
      </dd>
    </dl>
  );
}
