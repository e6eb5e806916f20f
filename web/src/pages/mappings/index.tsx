import { Route, Switch } from 'wouter';
import { MappingEditorPage } from './editor-page';
import { FlowList } from './flow-list';

/** The mappings section: the flows with their mapping version, and one flow's mapping editor. */
export function MappingsPage() {
  return (
    <Switch>
      <Route path="/">
        <FlowList />
      </Route>
      <Route path="/:flowId">
        {(params) => <MappingEditorPage flowId={decodeURIComponent(params.flowId)} />}
      </Route>
    </Switch>
  );
}
