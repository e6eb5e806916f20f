import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, must, type Schemas } from '../../api/client';
import { ActionButton } from '../../components/action-button';
import { QueryState } from '../../components/query-state';
import { formatDateTime } from '../../format';
import { useCan } from '../../session';
import { t } from '../../texts';
import { DiffView } from './diff-view';

const v = t.mappings.versions;
type Summary = Schemas['MappingVersionSummary'];

/** Every version with who saved it and what it changed; an owner makes an earlier one active again. */
export function VersionsPanel({ flowId, versions }: { flowId: string; versions: Summary[] }) {
  const builtIn: Summary = {
    version: 0,
    createdAt: '',
    createdBy: null,
    active: versions.every((x) => !x.active),
  };
  const activeVersion = [...versions, builtIn].find((x) => x.active)?.version ?? 0;
  const canRollBack = useCan('owner');
  return (
    <section aria-labelledby="versions-heading" className="card">
      <h2 id="versions-heading">{v.heading}</h2>
      <table>
        <caption>{v.caption}</caption>
        <thead>
          <tr>
            <th scope="col">{v.version}</th>
            <th scope="col">{v.savedAt}</th>
            <th scope="col">{v.by}</th>
            <th scope="col">{v.state}</th>
            <th scope="col">{v.changes}</th>
            {canRollBack && <th scope="col">{v.action}</th>}
          </tr>
        </thead>
        <tbody>
          {[...versions, builtIn].map((row) => {
            const name = t.mappings.versionName(row.version);
            return (
              <tr key={row.version}>
                <th scope="row">{row.version === 0 ? t.mappings.defaultVersion : row.version}</th>
                <td>{formatDateTime(row.createdAt)}</td>
                <td>{row.createdBy?.name ?? ''}</td>
                <td>{row.active ? v.active : ''}</td>
                <td>{row.version > 0 && <VersionChanges flowId={flowId} version={row.version} />}</td>
                {canRollBack && (
                  <td>
                    {!row.active && (
                      <ActionButton
                        role="owner"
                        action={() =>
                          must(
                            api.POST('/api/flows/{id}/mapping/activate', {
                              params: { path: { id: flowId } },
                              body: { version: row.version, baseVersion: activeVersion },
                            }),
                          )
                        }
                        done={v.activated(name)}
                      >
                        {v.activate(name)}
                      </ActionButton>
                    )}
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

/** A version's diff against the one before it, fetched when the person opens it. */
function VersionChanges({ flowId, version }: { flowId: string; version: number }) {
  const [open, setOpen] = useState(false);
  return (
    <details onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>{v.showChanges}</summary>
      {open && <VersionDiff flowId={flowId} version={version} />}
    </details>
  );
}

function VersionDiff({ flowId, version }: { flowId: string; version: number }) {
  const detail = useQuery({
    queryKey: ['mapping-version', flowId, version],
    queryFn: () =>
      must(
        api.GET('/api/flows/{id}/mapping/versions/{version}', {
          params: { path: { id: flowId, version } },
        }),
      ),
    refetchInterval: false,
  });
  return <QueryState query={detail}>{(d) => (d.diff ? <DiffView diff={d.diff} /> : null)}</QueryState>;
}
