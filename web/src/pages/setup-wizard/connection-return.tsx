import { useQuery } from '@tanstack/react-query';
import { Redirect } from 'wouter';
import { api, must } from '../../api/client';
import { QueryState } from '../../components/query-state';
import { stepHref } from './wizard-steps';

/** Back from a provider's consent page: on to the step of that connection's app in its pair. */
export function ConnectionReturn({ params }: { params: { connectionId: string } }) {
  const connection = useQuery({
    queryKey: ['connection', params.connectionId],
    queryFn: () => must(api.GET('/api/connections/{id}', { params: { path: { id: params.connectionId } } })),
  });
  return (
    <QueryState query={connection}>
      {(found) => (
        <Redirect to={stepHref(found.app === 'exact-online' ? 'exact' : 'asperion', found.pairId)} replace />
      )}
    </QueryState>
  );
}
