// Shared queries: one cache key per resource, so a live notice can refresh exactly what changed.
import { useQuery } from '@tanstack/react-query';
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
};

export function usePolicy() {
  return useQuery({
    queryKey: keys.policy,
    queryFn: () => request<z.infer<typeof PolicyResponse>>('/policy'),
    staleTime: 5 * 60_000,
  });
}

export function useLine() {
  return useQuery({
    queryKey: keys.line,
    queryFn: () => request<LineState>('/line'),
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

/** The API's largest page of incidents. */
const INCIDENT_PAGE = 100;

/**
 * Every open incident, however many: the first page says how many there are, the rest are
 * fetched at once in parallel. (The dashboard must never silently drop incident 101.)
 */
export function useOpenIncidents() {
  return useQuery({
    queryKey: [...keys.incidents, 'open'],
    queryFn: async (): Promise<IncidentSummary[]> => {
      const page = (offset: number) =>
        request<z.infer<typeof IncidentList>>(
          `/incidents${query({ open: 'true', limit: INCIDENT_PAGE, offset })}`,
        );
      const first = await page(0);
      const offsets: number[] = [];
      for (let at = INCIDENT_PAGE; at < first.total; at += INCIDENT_PAGE) offsets.push(at);
      const rest = await Promise.all(offsets.map(page));
      // Pages fetched while incidents change may overlap: each incident once.
      const seen = new Set<string>();
      return [first, ...rest]
        .flatMap((p) => p.items)
        .filter((i) => !seen.has(i.id) && Boolean(seen.add(i.id)));
    },
  });
}

export type Deadline = z.infer<typeof DeadlineList>['items'][number];

export function useDeadlines(params: {
  state: 'due_soon' | 'breached' | 'met' | 'open' | 'all';
  withinMinutes?: number;
  limit?: number;
}) {
  return useQuery({
    queryKey: [...keys.deadlines, params],
    queryFn: () => request<z.infer<typeof DeadlineList>>(`/deadlines${query(params)}`),
  });
}
