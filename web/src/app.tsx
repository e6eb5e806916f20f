import { Route, Switch } from 'wouter';
import { Layout } from './components/layout';
import { DashboardPage } from './pages/dashboard';
import { NotFoundPage } from './pages/not-found';
import { SessionProvider } from './session';

/** Every page of the app, under one layout, once the session is known. */
export function App() {
  return (
    <SessionProvider>
      <Layout>
        <Switch>
          <Route path="/" component={DashboardPage} />
          <Route component={NotFoundPage} />
        </Switch>
      </Layout>
    </SessionProvider>
  );
}
