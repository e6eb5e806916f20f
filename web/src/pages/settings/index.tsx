import { PageTitle } from '../../components/layout';
import { t } from '../../texts';

export function SettingsPage() {
  return <PageTitle>{t.settings.title}</PageTitle>;
}
