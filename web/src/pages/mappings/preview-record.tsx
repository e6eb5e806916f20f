import type { Schemas } from '../../api/client';
import { t } from '../../texts';
import { flattenOutput } from './flatten-output';
import { valueText } from './value-text';

const p = t.mappings.preview;
type Result = Schemas['MappingPreview']['results'][number];

const shown = (value: unknown) =>
  value === null || value === undefined || value === ''
    ? p.nothing
    : typeof value === 'object'
      ? JSON.stringify(value)
      : valueText(value);

/** One record of the preview: its field errors, what the draft changes, its output and its input. */
export function PreviewRecord({ result }: { result: Result }) {
  const name = result.label ?? result.sourceId ?? `#${result.index + 1}`;
  const headingId = `preview-${result.index}`;
  return (
    <article className="preview-record" aria-labelledby={headingId}>
      <h3 id={headingId}>{name}</h3>
      {result.purged ? (
        <p className="muted">{p.purged}</p>
      ) : (
        <>
          {result.errors.length === 0 ? (
            <p className="state-succeeded">{p.noErrors}</p>
          ) : (
            <>
              <h4 className="error">{p.errors}</h4>
              <ul className="error">
                {result.errors.map((e, i) => (
                  <li key={i}>
                    <code>{e.field}</code>: {e.message}
                  </li>
                ))}
              </ul>
            </>
          )}
          {result.changes && result.changes.length > 0 && (
            <table>
              <caption>{p.changes}</caption>
              <thead>
                <tr>
                  <th scope="col">{p.field}</th>
                  <th scope="col">{p.active}</th>
                  <th scope="col">{p.draft}</th>
                </tr>
              </thead>
              <tbody>
                {result.changes.map((c) => (
                  <tr key={c.path}>
                    <th scope="row">
                      <code>{c.path}</code>
                    </th>
                    <td>{shown(c.before)}</td>
                    <td>{shown(c.after)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <details>
            <summary>{p.output}</summary>
            <table>
              <caption>{`${p.output}: ${name}`}</caption>
              <thead>
                <tr>
                  <th scope="col">{p.field}</th>
                  <th scope="col">{p.value}</th>
                </tr>
              </thead>
              <tbody>
                {flattenOutput(result.output).map(([field, value]) => (
                  <tr key={field}>
                    <th scope="row">
                      <code>{field}</code>
                    </th>
                    <td className="value">{value}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
          {result.input !== undefined && (
            <details>
              <summary>{p.input}</summary>
              <pre tabIndex={0}>{JSON.stringify(result.input, null, 2)}</pre>
            </details>
          )}
        </>
      )}
    </article>
  );
}
