// The dashboard's first data in one request, asked for before React starts: on the dashboard's
// address index.html preloads GET /api/v1/dashboard (console-app.ts), so the answer is on its way
// while the scripts load. It answers the session and every list the dashboard shows; each goes
// into the query cache under the key its section reads, so no section asks again.
import type { QueryClient } from '@tanstack/react-query';
import type { Dashboard } from '../shared/api/dashboard.ts';
import type { SessionView } from '../shared/api/accounts.ts';
import { CONSOLE_BASE } from '../shared/domain/console-paths.ts';
import { DASHBOARD_QUERIES } from '../shared/domain/dashboard.ts';
import { ApiError, request, setCsrfToken } from './api.ts';
import { registerQuery } from './pages/breaches/breach-clocks.tsx';
import { fetchOpenIncidents, keys, lineQuery } from './queries.ts';
import { SESSION_KEY } from './session.tsx';

/** The path index.html preloads (console-app.ts) on the dashboard's address. */
export const DASHBOARD_PATH = '/dashboard';

async function fetchDashboard(queryClient: QueryClient): Promise<SessionView | null> {
  let answer: Dashboard;
  try {
    answer = await request<Dashboard>(DASHBOARD_PATH, {
      expectUnauthenticated: true,
      preloaded: true,
    });
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
  setCsrfToken(answer.session.csrfToken);
  const put = (key: readonly unknown[], data: unknown) => {
    if (data !== null) queryClient.setQueryData(key, data);
  };
  put(keys.policy, answer.policy);
  put(keys.staff, answer.staff);
  put(keys.nextSteps, answer.nextSteps);
  put(keys.myTasks, answer.myTasks);
  put(keys.reportsAwaiting, answer.reportsAwaiting);
  put(keys.myPages, answer.pages);
  put(keys.deadlineList(DASHBOARD_QUERIES.nextDeadlines), answer.nextDeadlines);
  put(keys.deadlineList(DASHBOARD_QUERIES.breachedDeadlines), answer.breachedDeadlines);
  put(keys.deadlineList(DASHBOARD_QUERIES.dueSoonDeadlines), answer.dueSoonDeadlines);
  const first = answer.openIncidents;
  if (first && first.items.length >= first.total) put(keys.openIncidents, first.items);
  else if (first)
    // More than one page: the rest are asked for at once, in parallel, from the first.
    void queryClient.prefetchQuery({
      queryKey: keys.openIncidents,
      queryFn: () => fetchOpenIncidents(first),
    });
  // The line banner and the breach clocks are not in the answer: asked for now, with the session
  // known, so they travel while the dashboard renders rather than after it.
  const may = (permission: string) => answer.session.permissions.includes(permission);
  if (may('line.read')) void queryClient.prefetchQuery(lineQuery);
  if (may('breach.read')) void queryClient.prefetchQuery(registerQuery);
  return answer.session;
}

/**
 * On the dashboard's address, the session query is answered by GET /api/v1/dashboard (started
 * now, before the first render), which fills the dashboard's lists too; elsewhere nothing changes.
 */
export function bootDashboard(queryClient: QueryClient, pathname: string) {
  if (pathname !== `${CONSOLE_BASE}/`) return;
  void queryClient.prefetchQuery({
    queryKey: SESSION_KEY,
    queryFn: () => fetchDashboard(queryClient),
    staleTime: 60_000,
  });
}
