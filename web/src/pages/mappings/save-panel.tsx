import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, must } from '../../api/client';
import { t } from '../../texts';
import { DiffView } from './diff-view';
import type { MappingDefinition } from './draft-model';
import { MappingProblems } from './mapping-problems';

const s = t.mappings.save;

/**
 * Saving in two steps: first what the draft changes against the active version, then saving it as
 * the next version. The save names the version it started from, so a version someone else saved in
 * between is not silently undone.
 */
export function SavePanel({
  flowId,
  draft,
  activeVersion,
  nextVersion,
  onSaved,
  onDiscard,
}: {
  flowId: string;
  draft: MappingDefinition;
  activeVersion: number;
  nextVersion: number;
  onSaved: (version: number) => void;
  onDiscard: () => void;
}) {
  const queries = useQueryClient();
  const current = JSON.stringify(draft);
  const review = useMutation({
    mutationFn: async (text: string) => ({
      text,
      answer: await must(
        api.POST('/api/flows/{id}/mapping/diff', {
          params: { path: { id: flowId } },
          body: { mapping: JSON.parse(text) as MappingDefinition },
        }),
      ),
    }),
  });
  const save = useMutation({
    mutationFn: () =>
      must(
        api.POST('/api/flows/{id}/mapping', {
          params: { path: { id: flowId } },
          body: { mapping: draft, baseVersion: activeVersion },
        }),
      ),
    onSuccess: async (published) => {
      onSaved(published.version);
      await queries.invalidateQueries();
    },
  });
  const reviewed = review.data?.text === current ? review.data.answer : undefined;
  return (
    <section aria-labelledby="save-heading" className="card">
      <h2 id="save-heading">{s.heading}</h2>
      <p>
        <button type="button" disabled={review.isPending} onClick={() => review.mutate(current)}>
          {s.review}
        </button>{' '}
        <button type="button" onClick={onDiscard}>
          {s.discard}
        </button>
      </p>
      {review.isError && <MappingProblems error={review.error} />}
      {reviewed &&
        (reviewed.diff.same ? (
          <p role="status">{s.unchanged}</p>
        ) : (
          <>
            <DiffView diff={reviewed.diff} />
            <p>
              <button
                type="button"
                className="primary"
                disabled={save.isPending}
                onClick={() => save.mutate()}
              >
                {s.save(nextVersion)}
              </button>
            </p>
          </>
        ))}
      {save.isError && <MappingProblems error={save.error} />}
    </section>
  );
}
