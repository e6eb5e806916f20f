import { ApiError } from '../../api/client';
import { t } from '../../texts';

/**
 * Why the API refused a mapping: its one sentence and, for a mapping with problems, every problem
 * at its place (`mapping.fields.customer.name: …`), so the person finds the row to fix.
 */
export function MappingProblems({ error }: { error: Error }) {
  const listed = error instanceof ApiError ? error.details?.['errors'] : undefined;
  const problems = Array.isArray(listed) ? (listed as Array<{ path?: string; reason?: string }>) : [];
  return (
    <div role="alert" className="error">
      {problems.length === 0 ? (
        <p>{error.message}</p>
      ) : (
        <>
          <p>{t.mappings.preview.problems}</p>
          <ul>
            {problems.map((p, i) => (
              <li key={i}>
                {p.path ? `${p.path.replace(/^mapping\./, '')}: ` : ''}
                {p.reason}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
