// Who is signed in. Pages under <RequireSession> see a SessionView; a missing or expired session
// sends the browser to sign-in with the page to come back to, and back again afterwards.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import type { SessionView } from '../shared/api/accounts.ts';
import { ApiError, onUnauthenticated, request, setCsrfToken } from './api.ts';

const SessionContext = createContext<SessionView | null>(null);

export function useSession(): SessionView {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside <RequireSession>');
  return session;
}

/** Whether the signed-in user holds a permission (the server checks again on every call). */
export function useCan(): (permission: string) => boolean {
  const session = useSession();
  return (permission) => session.permissions.includes(permission);
}

export const SESSION_KEY = ['session'] as const;

export async function fetchSession(): Promise<SessionView | null> {
  try {
    const session = await request<SessionView>('/session', { expectUnauthenticated: true });
    setCsrfToken(session.csrfToken);
    return session;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

export function useSessionQuery() {
  return useQuery({ queryKey: SESSION_KEY, queryFn: fetchSession, staleTime: 60_000 });
}

/** Where to come back to after signing in: only paths inside the console. */
export function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export function RequireSession({ children }: { children: ReactNode }) {
  const location = useLocation();
  const queryClient = useQueryClient();
  const session = useSessionQuery();
  const here = location.pathname + location.search;

  // Any 401 from the API (expired, revoked, signed out elsewhere) forgets the session; the
  // redirect below then goes to sign-in, saying why, and comes back here afterwards.
  const [ended, setEnded] = useState(false);
  useEffect(
    () =>
      onUnauthenticated(() => {
        setEnded(true);
        queryClient.setQueryData(SESSION_KEY, null);
      }),
    [queryClient],
  );

  if (session.isPending) return <p className="loading">Loading…</p>;
  if (session.isError)
    return (
      <p role="alert" className="error">
        Stopline cannot be reached: {session.error.message}
      </p>
    );
  if (!session.data) {
    const expired = ended ? 'expired=1&' : '';
    return <Navigate to={`/sign-in?${expired}next=${encodeURIComponent(here)}`} replace />;
  }
  if (session.data.mfaEnrolmentRequired && location.pathname !== '/account/mfa')
    return <Navigate to={`/account/mfa?next=${encodeURIComponent(here)}`} replace />;
  return <SessionContext.Provider value={session.data}>{children}</SessionContext.Provider>;
}
