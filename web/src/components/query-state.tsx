import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { t } from '../texts';

/** A query's data through `children`, or what is happening instead (loading, the API's error). */
export function QueryState<T>({
  query,
  children,
}: {
  query: UseQueryResult<T>;
  children: (data: T) => ReactNode;
}) {
  if (query.isPending) return <p aria-busy="true">{t.loading}</p>;
  if (query.isError)
    return (
      <p role="alert" className="error">
        {t.errorPrefix}
        {query.error.message}
      </p>
    );
  return <>{children(query.data)}</>;
}
