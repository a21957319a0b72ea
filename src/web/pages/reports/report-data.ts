// The report pages' data: queries under the ['reports'] prefix (the live stream refreshes them),
// the staff words for statuses and message types, and the queue filters as they sit in the URL.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { IncidentDetail } from '../../../shared/api/incidents.ts';
import type {
  ReportConversation,
  ReportDetail,
  ReportQueue,
  ReportStatus,
} from '../../../shared/api/reports.ts';
import { REPORT_STATUSES } from '../../../shared/domain/reports.ts';
import type { z } from 'zod';
import { query, request } from '../../api.ts';
import { keys } from '../../queries.ts';

/** Statuses in the words staff read, and which are still open work. */
export const STATUS_WORDS: Record<ReportStatus, string> = {
  received: 'Received — not acknowledged yet',
  acknowledged: 'Acknowledged',
  investigating: 'Being investigated',
  resolved: 'Resolved',
  duplicate: 'Closed: duplicate',
  not_vulnerability: 'Closed: not a vulnerability',
  spam: 'Closed: spam',
};
export const OPEN_STATUSES: readonly ReportStatus[] = ['received', 'acknowledged', 'investigating'];
export const isOpen = (status: ReportStatus) => OPEN_STATUSES.includes(status);

export const MESSAGE_TYPE_WORDS = {
  general: 'General',
  assessment: 'Assessment results',
  technical_details: 'Technical details',
} as const;

export const VERIFICATION_WORDS = {
  call_back_public_number: 'Called back on a publicly listed number',
  verified_signed_email: 'Verified a signed e-mail',
  known_contact: 'Known contact',
  other: 'Other (say how in the note)',
} as const;

export const CLOSE_WORDS = {
  duplicate: 'Duplicate of another report',
  not_vulnerability: 'Not a vulnerability',
  spam: 'Spam (not a security report)',
} as const;

export const REMOVAL_WORDS = {
  requested: 'Removal requested',
  removed: 'Removed from public view',
  could_not_be_removed: 'Could not be removed',
} as const;

/** The queue's filters as the URL carries them, so a filtered view can be shared. */
export interface QueueFilters {
  /** Empty means any status. */
  statuses: ReportStatus[];
  q: string;
  /** Days (YYYY-MM-DD) in the browser's time zone, both included. */
  from: string;
  to: string;
  offset: number;
}

export const PAGE_SIZE = 50;

const isStatus = (value: string): value is ReportStatus =>
  (REPORT_STATUSES as readonly string[]).includes(value);
const isDay = (value: string | null): value is string =>
  value !== null && /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value));

/** No `status` in the URL means the open ones; `status=any` means every status. */
export function filtersFromUrl(params: URLSearchParams): QueueFilters {
  const given = params.getAll('status');
  const statuses =
    given.length === 0 ? [...OPEN_STATUSES] : given.includes('any') ? [] : given.filter(isStatus);
  const from = params.get('receivedFrom');
  const to = params.get('receivedTo');
  return {
    statuses,
    q: params.get('q') ?? '',
    from: isDay(from) ? from : '',
    to: isDay(to) ? to : '',
    offset: Math.max(0, Math.floor(Number(params.get('offset')) || 0)),
  };
}

/** Exactly the open statuses: the queue's default, left out of the URL. */
export const isOpenStatuses = (statuses: ReportStatus[]) =>
  statuses.length === OPEN_STATUSES.length && OPEN_STATUSES.every((s) => statuses.includes(s));

export function filtersToUrl(filters: QueueFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.statuses.length === 0) params.append('status', 'any');
  else if (!isOpenStatuses(filters.statuses))
    for (const s of filters.statuses) params.append('status', s);
  if (filters.q.trim()) params.set('q', filters.q.trim());
  if (filters.from) params.set('receivedFrom', filters.from);
  if (filters.to) params.set('receivedTo', filters.to);
  if (filters.offset > 0) params.set('offset', String(filters.offset));
  return params;
}

/** A day's start (or end) in the browser's time zone, as the RFC 3339 time the API takes. */
function dayBound(day: string, end: boolean): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const ms = end ? new Date(y, m - 1, d + 1).getTime() - 1 : new Date(y, m - 1, d).getTime();
  return new Date(ms).toISOString();
}

function queuePath(filters: QueueFilters): string {
  const search = new URLSearchParams(
    query({
      q: filters.q.trim() || undefined,
      receivedFrom: filters.from ? dayBound(filters.from, false) : undefined,
      receivedTo: filters.to ? dayBound(filters.to, true) : undefined,
      limit: PAGE_SIZE,
      offset: filters.offset || undefined,
    }),
  );
  for (const s of filters.statuses) search.append('status', s);
  return `/reports?${search.toString()}`;
}

export function useReportQueue(filters: QueueFilters) {
  return useQuery({
    queryKey: [...keys.reports, 'queue', filters],
    queryFn: () => request<ReportQueue>(queuePath(filters)),
    placeholderData: (previous) => previous,
  });
}

export function useReport(key: string) {
  return useQuery({
    queryKey: keys.report(key),
    queryFn: () => request<ReportDetail>(`/reports/${encodeURIComponent(key)}`),
  });
}

export function useConversation(key: string) {
  return useQuery({
    queryKey: [...keys.report(key), 'messages'],
    queryFn: () => request<ReportConversation>(`/reports/${encodeURIComponent(key)}/messages`),
  });
}

type Incident = z.infer<typeof IncidentDetail>['incident'];

/** An incident by id or key (reports name their incident by id). */
export function useIncidentRef(ref: string | null) {
  return useQuery({
    queryKey: [...keys.incidents, 'ref', ref],
    queryFn: async () =>
      (await request<{ incident: Incident }>(`/incidents/${encodeURIComponent(ref!)}`)).incident,
    enabled: ref !== null,
    staleTime: 60_000,
  });
}

/**
 * A change to a report: the call, then everything about reports, incidents and deadlines is read
 * again (acknowledging meets a deadline, opening an incident starts others). `afterwards` runs
 * once the page shows the change, even when the change removed the component that made it.
 */
export function useReportChange<A, R>(run: (args: A) => Promise<R>, afterwards?: () => void) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSettled: async (_data, error) => {
      await Promise.all(
        [keys.reports, keys.incidents, keys.deadlines].map((queryKey) =>
          queryClient.invalidateQueries({ queryKey }),
        ),
      );
      if (!error) afterwards?.();
    },
  });
}
