import { PageTitle } from '../../components/layout';
import { t } from '../../texts';

export function DeadLettersPage() {
  return <PageTitle>{t.deadLetters.title}</PageTitle>;
}
