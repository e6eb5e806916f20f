import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'wouter';
import { api, must, type Schemas } from '../../api/client';
import { PageTitle } from '../../components/layout';
import { QueryState } from '../../components/query-state';
import { useCan } from '../../session';
import { t } from '../../texts';
import { definitionOf, draftOf } from './draft-model';
import { FieldTable } from './field-table';
import { PreviewPanel } from './preview-panel';
import { ReplayPanel } from './replay-panel';
import { SavePanel } from './save-panel';
import { ValueMapsSection } from './value-maps-section';
import { VersionsPanel } from './versions-panel';
import './mappings.css';

const m = t.mappings;

/** One flow's mapping: edit it, preview it on recent records, save it as a version, roll back. */
export function MappingEditorPage({ flowId }: { flowId: string }) {
  const path = { params: { path: { id: flowId } } };
  // Not refreshed on a timer: a draft is made from the version loaded, and stays until saved.
  const mapping = useQuery({
    queryKey: ['mapping', flowId],
    queryFn: () => must(api.GET('/api/flows/{id}/mapping', path)),
    refetchInterval: false,
  });
  const versions = useQuery({
    queryKey: ['mapping-versions', flowId],
    queryFn: () => must(api.GET('/api/flows/{id}/mapping/versions', path)),
  });
  const flow = useQuery({
    queryKey: ['flow', flowId],
    queryFn: () => must(api.GET('/api/flows/{id}', path)),
  });
  const [saved, setSaved] = useState<number | null>(null);
  const stored = versions.data?.items ?? [];
  const nextVersion = Math.max(0, ...stored.map((v) => v.version)) + 1;
  return (
    <>
      <PageTitle>{m.editorTitle(flowId)}</PageTitle>
      <p>
        <Link href="/">{m.backToList}</Link>
      </p>
      <p role="status">{saved !== null && saved === mapping.data?.version ? m.save.saved(saved) : ''}</p>
      <QueryState query={mapping}>
        {(active) => (
          <Editor
            key={`${flowId}:${active.version}`}
            flowId={flowId}
            active={active}
            nextVersion={nextVersion}
            onSaved={setSaved}
          />
        )}
      </QueryState>
      {flow.data && <ReplayPanel flowId={flowId} open={flow.data.openDeadLetters} />}
      {versions.data && <VersionsPanel flowId={flowId} versions={stored} />}
    </>
  );
}

function Editor({
  flowId,
  active,
  nextVersion,
  onSaved,
}: {
  flowId: string;
  active: Schemas['MappingVersion'];
  nextVersion: number;
  onSaved: (version: number) => void;
}) {
  const canEdit = useCan('owner');
  const [search] = useSearchParams();
  const [draft, setDraft] = useState(() => draftOf(active.definition));
  const definition = useMemo(() => definitionOf(draft), [draft]);
  return (
    <>
      <p>{m.runsWith(m.versionName(active.version))}</p>
      {!canEdit && <p className="muted">{m.readOnly}</p>}
      <FieldTable
        rows={draft.fields}
        mapNames={draft.maps.map((map) => map.name)}
        canEdit={canEdit}
        focus={search.get('field')}
        onChange={(fields) => setDraft({ ...draft, fields })}
      />
      <ValueMapsSection
        maps={draft.maps}
        canEdit={canEdit}
        onChange={(maps) => setDraft({ ...draft, maps })}
      />
      <PreviewPanel flowId={flowId} draft={definition} />
      {canEdit && (
        <SavePanel
          flowId={flowId}
          draft={definition}
          activeVersion={active.version}
          nextVersion={nextVersion}
          onSaved={onSaved}
          onDiscard={() => setDraft(draftOf(active.definition))}
        />
      )}
    </>
  );
}
