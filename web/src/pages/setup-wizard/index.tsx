import { PageTitle } from '../../components/layout';
import { t } from '../../texts';

export function SetupWizardPage() {
  return <PageTitle>{t.setupWizard.title}</PageTitle>;
}
