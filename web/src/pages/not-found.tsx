import { Link } from 'wouter';
import { PageTitle } from '../components/layout';
import { t } from '../texts';

export function NotFoundPage() {
  return (
    <>
      <PageTitle>{t.notFound}</PageTitle>
      <p>
        <Link href="/">{t.backHome}</Link>
      </p>
    </>
  );
}
