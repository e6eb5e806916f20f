import { PageTitle } from '../../components/layout';
import { t } from '../../texts';

export function ActivityPage() {
  return <PageTitle>{t.activity.title}</PageTitle>;
}
