import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, must, type Schemas } from '../../api/client';
import { t } from '../../texts';
import type { MappingDefinition } from './draft-model';
import { MappingProblems } from './mapping-problems';
import { PreviewRecord } from './preview-record';
import { useDebounced } from './use-debounced';

const p = t.mappings.preview;
const counts = [5, 10, 25];

/**
 * The draft mapped on the flow's most recent records, again each time the draft settles: what each
 * record becomes, its field errors, and what the draft changes against the active version.
 */
export function PreviewPanel({ flowId, draft }: { flowId: string; draft: MappingDefinition }) {
  const settled = useDebounced(draft, 500);
  const [recent, setRecent] = useState(5);
  const preview = useQuery({
    queryKey: ['mapping-preview', flowId, recent, JSON.stringify(settled)],
    queryFn: () =>
      must(
        api.POST('/api/flows/{id}/mapping/preview', {
          params: { path: { id: flowId } },
          body: { mapping: settled, recent, withInput: true },
        }),
      ),
    refetchInterval: false,
    placeholderData: (previous) => previous,
  });
  return (
    <section aria-labelledby="preview-heading" className="card">
      <h2 id="preview-heading">{p.heading}</h2>
      <p className="muted">{p.help}</p>
      <p>
        <label className="inline-label">
          {p.count}
          <select value={recent} onChange={(e) => setRecent(Number(e.target.value))}>
            {counts.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
      </p>
      {preview.isError ? (
        <MappingProblems error={preview.error} />
      ) : !preview.data ? (
        <p aria-busy="true">{t.loading}</p>
      ) : (
        <PreviewResults answer={preview.data} />
      )}
    </section>
  );
}

function PreviewResults({ answer }: { answer: Schemas['MappingPreview'] }) {
  if (answer.compileErrors && answer.compileErrors.length > 0)
    return (
      <div role="alert" className="error">
        <p>{p.problems}</p>
        <ul>
          {answer.compileErrors.map((e, i) => (
            <li key={i}>
              {e.field}: {e.message}
            </li>
          ))}
        </ul>
      </div>
    );
  if (answer.results.length === 0) return <p>{p.none}</p>;
  return (
    <>
      <p role="status">{p.summary(answer.results.length, answer.errorCount)}</p>
      {answer.results.map((r) => (
        <PreviewRecord key={r.recordId ?? r.index} result={r} />
      ))}
    </>
  );
}
