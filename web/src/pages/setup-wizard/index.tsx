import { Route, Switch } from 'wouter';
import { ConnectionReturn } from './connection-return';
import { ConnectionStep } from './connection-step';
import { FlowsStep } from './flows-step';
import { MappingsStep } from './mappings-step';
import { SettingsStep } from './settings-step';
import { StartStep } from './start-step';
import { TestStep } from './test-step';
import './setup-wizard.css';

/**
 * From nothing to a first synced order, one step per address so that a step can be reloaded, and
 * the provider's consent page can send the person back into the right one.
 */
export function SetupWizardPage() {
  return (
    <Switch>
      <Route path="/" component={StartStep} />
      <Route path="/connections/:connectionId" component={ConnectionReturn} />
      <Route path="/:pairId/exact">{(p) => <ConnectionStep pairId={p.pairId} app="exact-online" />}</Route>
      <Route path="/:pairId/asperion">{(p) => <ConnectionStep pairId={p.pairId} app="asperion" />}</Route>
      <Route path="/:pairId/flows">{(p) => <FlowsStep pairId={p.pairId} />}</Route>
      <Route path="/:pairId/settings/:flowId?">
        {(p) => <SettingsStep pairId={p.pairId} flowId={p.flowId} />}
      </Route>
      <Route path="/:pairId/mappings">{(p) => <MappingsStep pairId={p.pairId} />}</Route>
      <Route path="/:pairId/test">{(p) => <TestStep pairId={p.pairId} />}</Route>
      <Route path="/:pairId">{(p) => <ConnectionStep pairId={p.pairId} app="exact-online" />}</Route>
    </Switch>
  );
}
