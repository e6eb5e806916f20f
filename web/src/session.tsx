import { useQuery } from '@tanstack/react-query';
import { createContext, useContext, type ReactNode } from 'react';
import { api, must, useCsrfToken, type Schemas } from './api/client';

export type Principal = Schemas['Session']['principal'];
type Role = Principal['role'];

const roleOrder: readonly Role[] = ['viewer', 'operator', 'owner'];

const SessionContext = createContext<Principal | null>(null);

/** Who is signed in; the pages below render only once that is known. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const session = useQuery({
    queryKey: ['session'],
    queryFn: async () => {
      const s = await must(api.GET('/api/session'));
      useCsrfToken(s.csrfToken);
      return s;
    },
    staleTime: Infinity,
  });
  if (!session.data) return null;
  return <SessionContext.Provider value={session.data.principal}>{children}</SessionContext.Provider>;
}

export function usePrincipal(): Principal {
  const p = useContext(SessionContext);
  if (!p) throw new Error('usePrincipal outside SessionProvider');
  return p;
}

/**
 * Whether the signed-in person has at least this role. Pages hide what a role may not do; the API
 * refuses it anyway, so hiding is for clarity, not for safety.
 */
export function useCan(role: Role): boolean {
  return roleOrder.indexOf(usePrincipal().role) >= roleOrder.indexOf(role);
}
