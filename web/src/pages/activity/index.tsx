import { Route, Switch } from 'wouter';
import { PageTitle } from '../../components/layout';
import { t } from '../../texts';
import { NotFoundPage } from '../not-found';
import './activity.css';
import { RecordPage } from './record-page';
import { RecordSearch } from './record-search';
import { RunPage } from './run-page';
import { RunsSection } from './runs-table';

/** The activity log: records searched by what people know them by, the runs, one run, one record. */
export function ActivityPage() {
  return (
    <Switch>
      <Route path="/">
        <PageTitle>{t.activity.title}</PageTitle>
        <RecordSearch />
        <RunsSection />
      </Route>
      <Route path="/runs/:id">{({ id }) => <RunPage key={id} id={id} />}</Route>
      <Route path="/records/:id">{({ id }) => <RecordPage key={id} id={id} />}</Route>
      <Route component={NotFoundPage} />
    </Switch>
  );
}
