// Shared queries: one cache key per resource, so a live notice can refresh exactly what changed.
import { queryOptions, useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import type { DeadlineList } from '../shared/api/deadlines.ts';
import type { IncidentList } from '../shared/api/incidents.ts';
import type { LineState } from '../shared/api/line.ts';
import type { PolicyResponse } from '../shared/api/policy.ts';
import { query, request } from './api.ts';

export const keys = {
  policy: ['policy'] as const,
  line: ['line'] as const,
  incidents: ['incidents'] as const,
  incident: (key: string) => ['incidents', key] as const,
  deadlines: ['deadlines'] as const,
  reports: ['reports'] as const,
  report: (key: string) => ['reports', key] as const,
  tasks: ['tasks'] as const,
  breach: ['breach'] as const,
  // The dashboard's lists (dashboard-boot.ts fills them from GET /api/v1/dashboard).
  staff: ['staff'] as const,
  openIncidents: ['incidents', 'open'] as const,
  nextSteps: ['incidents', 'next-steps'] as const,
  reportsAwaiting: ['reports', 'awaiting'] as const,
  myTasks: ['tasks', 'mine'] as const,
  myPages: ['me', 'pages'] as const,
  deadlineList: (params: DeadlineParams) => ['deadlines', params] as const,
};

export function usePolicy() {
  return useQuery({
    queryKey: keys.policy,
    queryFn: () => request<z.infer<typeof PolicyResponse>>('/policy'),
    staleTime: 5 * 60_000,
  });
}

/** The line's state (the banner on every page); dashboard-boot.ts starts it with the dashboard. */
export const lineQuery = queryOptions({
  queryKey: keys.line,
  queryFn: () => request<LineState>('/line'),
});

export function useLine() {
  return useQuery({
    ...lineQuery,
    // The stream refreshes it at once; polling is only the fallback when the stream is down.
    refetchInterval: 60_000,
  });
}

export type IncidentSummary = z.infer<typeof IncidentList>['items'][number];

export function useIncidents(params: Record<string, string | number | undefined> = {}) {
  return useQuery({
    queryKey: [...keys.incidents, 'list', params],
    queryFn: () => request<z.infer<typeof IncidentList>>(`/incidents${query(params)}`),
  });
}

/** The API's largest page of incidents: one request for all but the busiest days. */
const INCIDENT_PAGE = 500;

/**
 * Every item of a paged list, however many: the first page says how many there are, the others
 * are fetched at once, in parallel. Items that moved between pages while they were read (a new
 * incident pushes the others down) come once.
 */
export async function fetchAllPages<T extends { id: string }>(
  page: (offset: number) => Promise<{ items: T[]; total: number }>,
  size: number,
): Promise<T[]> {
  const first = await page(0);
  const offsets: number[] = [];
  for (let at = size; at < first.total; at += size) offsets.push(at);
  const rest = await Promise.all(offsets.map(page));
  const seen = new Set<string>();
  return [first, ...rest]
    .flatMap((p) => p.items)
    .filter((item) => !seen.has(item.id) && Boolean(seen.add(item.id)));
}

/** Every open incident, from the first page when it is already here (the dashboard's answer). */
export function fetchOpenIncidents(first?: z.infer<typeof IncidentList>) {
  return fetchAllPages(
    (offset) =>
      offset === 0 && first
        ? Promise.resolve(first)
        : request<z.infer<typeof IncidentList>>(
            `/incidents${query({ open: 'true', limit: INCIDENT_PAGE, offset })}`,
          ),
    INCIDENT_PAGE,
  );
}

/** Every open incident: the dashboard must never silently drop incident 501. */
export function useOpenIncidents() {
  return useQuery({ queryKey: keys.openIncidents, queryFn: () => fetchOpenIncidents() });
}

export type Deadline = z.infer<typeof DeadlineList>['items'][number];

export type DeadlineParams = {
  state: 'due_soon' | 'breached' | 'met' | 'open' | 'next' | 'all';
  withinMinutes?: number;
  limit?: number;
};

export function useDeadlines(params: DeadlineParams) {
  return useQuery({
    queryKey: keys.deadlineList(params),
    queryFn: () => request<z.infer<typeof DeadlineList>>(`/deadlines${query(params)}`),
  });
}
