import { PageTitle } from '../../components/layout';
import { t } from '../../texts';

export function MappingsPage() {
  return <PageTitle>{t.mappings.title}</PageTitle>;
}
