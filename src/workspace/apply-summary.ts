/** What `applyWorkspace` did (or, in a dry run, would do), per object type. */
export const workspaceObjectTypes = ['pairs', 'connections', 'flows', 'mappings', 'settings'] as const;
export type WorkspaceObjectType = (typeof workspaceObjectTypes)[number];

export const changeKinds = ['created', 'updated', 'unchanged', 'deleted'] as const;
export type ChangeKind = (typeof changeKinds)[number];

/** Ids per change. Mapping versions are named `<flow> v<n>`; versions are never deleted. */
export type ObjectChanges = Record<ChangeKind, string[]>;

export interface ApplySummary {
  dryRun: boolean;
  prune: boolean;
  changes: Record<WorkspaceObjectType, ObjectChanges>;
}

export function emptySummary(options: { dryRun: boolean; prune: boolean }): ApplySummary {
  const none = (): ObjectChanges => ({ created: [], updated: [], unchanged: [], deleted: [] });
  return {
    ...options,
    changes: {
      pairs: none(),
      connections: none(),
      flows: none(),
      mappings: none(),
      settings: none(),
    },
  };
}

/** Whether applying changed (or would change) anything at all. */
export function hasChanges(summary: ApplySummary): boolean {
  return workspaceObjectTypes.some((type) => {
    const c = summary.changes[type];
    return c.created.length + c.updated.length + c.deleted.length > 0;
  });
}
