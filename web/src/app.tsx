import { Route, Switch } from 'wouter';
import { Layout } from './components/layout';
import { ActivityPage } from './pages/activity';
import { DashboardPage } from './pages/dashboard';
import { DeadLettersPage } from './pages/dead-letters';
import { MappingsPage } from './pages/mappings';
import { NotFoundPage } from './pages/not-found';
import { SettingsPage } from './pages/settings';
import { SetupWizardPage } from './pages/setup-wizard';
import { SessionProvider } from './session';

/**
 * Every page of the app, under one layout, once the session is known. Each top-level path here is
 * also in the server's webAppSections, so a link into it works when pasted or reloaded.
 */
export function App() {
  return (
    <SessionProvider>
      <Layout>
        <Switch>
          <Route path="/" component={DashboardPage} />
          <Route path="/activity" component={ActivityPage} nest />
          <Route path="/dead-letters" component={DeadLettersPage} nest />
          <Route path="/mappings" component={MappingsPage} nest />
          <Route path="/settings" component={SettingsPage} nest />
          <Route path="/setup-wizard" component={SetupWizardPage} nest />
          <Route component={NotFoundPage} />
        </Switch>
      </Layout>
    </SessionProvider>
  );
}
