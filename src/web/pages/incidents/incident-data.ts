// The incident pages' data: the incident detail and its parts under ['incidents', key] (the live
// stream refreshes that prefix), the staff directory for names, and one way to change an
// incident: send the version the page shows, and on 409 say so and reload.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { z } from 'zod';
import type { DeadlineList } from '../../../shared/api/deadlines.ts';
import type { Decisions, IncidentDetail } from '../../../shared/api/incidents.ts';
import type { PolicyResponse } from '../../../shared/api/policy.ts';
import type { StaffDirectory } from '../../../shared/api/staff.ts';
import type { IncidentTrackerIssues } from '../../../shared/api/trackers.ts';
import { VERIFIED_STEP_WORDS, type VerifiedStep } from '../../../shared/domain/incidents.ts';
import { ApiError, request } from '../../api.ts';
import { resultFocus } from '../../components/focus.ts';
import { keys } from '../../queries.ts';
import { useCan, useSession } from '../../session.tsx';

export type Detail = z.infer<typeof IncidentDetail>;
export type Incident = Detail['incident'];
export type Person = StaffDirectory['items'][number];

const path = (key: string) => `/incidents/${encodeURIComponent(key)}`;

/**
 * Never back in time: an answer read before a change this page made (a live update's refetch
 * racing the vote's own answer) is older than what the page shows, and is dropped.
 */
function newer(old: unknown, next: unknown): unknown {
  const version = (d: unknown) => (d as Detail | undefined)?.incident.version ?? -1;
  return version(next) < version(old) ? old : next;
}

export function useIncidentDetail(key: string) {
  return useQuery({
    queryKey: keys.incident(key),
    queryFn: () => request<Detail>(path(key)),
    structuralSharing: newer,
  });
}

export function useIncidentDeadlines(key: string, enabled: boolean) {
  return useQuery({
    queryKey: [...keys.incident(key), 'deadlines'],
    queryFn: () => request<z.infer<typeof DeadlineList>>(`${path(key)}/deadlines`),
    enabled,
  });
}

/** The tracker issues the incident was handed to (issue 18): empty when none. */
export function useTrackerIssues(key: string, enabled: boolean) {
  return useQuery({
    queryKey: [...keys.incident(key), 'tracker-issues'],
    queryFn: () => request<z.infer<typeof IncidentTrackerIssues>>(`${path(key)}/tracker-issues`),
    enabled,
  });
}

export function useDecisions(key: string) {
  return useQuery({
    queryKey: [...keys.incident(key), 'decisions'],
    queryFn: () => request<z.infer<typeof Decisions>>(`${path(key)}/decisions`),
  });
}

/** Everyone who can be picked, and a name for an id. */
export function useStaff() {
  const staff = useQuery({
    queryKey: keys.staff,
    queryFn: () => request<StaffDirectory>('/staff'),
    staleTime: 5 * 60_000,
  });
  const people = staff.data?.items ?? [];
  const byId = new Map(people.map((p) => [p.id, p]));
  return {
    people,
    nameOf: (id: string | null | undefined) =>
      id ? (byId.get(id)?.displayName ?? 'Someone no longer on staff') : 'Nobody',
  };
}

export type Method = 'POST' | 'PATCH' | 'DELETE';

/**
 * A change to the incident shown: sends `expectedVersion` from the loaded detail. A 409 means
 * someone else changed it first: the page reloads the incident and says so; other errors (a
 * refused phase move, a field problem) are kept for the form to show.
 */
export function useIncidentChange(incident: Pick<Incident, 'key' | 'version'>) {
  const queryClient = useQueryClient();
  const [conflict, setConflict] = useState(false);
  // A refusal (422) is about the incident as it was: once it changes, the reasons may not hold.
  const [refusedAt, setRefusedAt] = useState<number | null>(null);
  const mutation = useMutation({
    mutationFn: (change: { method?: Method; to: string; body?: Record<string, unknown> }) =>
      request(`${path(incident.key)}${change.to}`, {
        method: change.method ?? 'POST',
        ...(change.method === 'DELETE'
          ? { headers: { 'if-match': `"${incident.version}"` } }
          : { body: { ...change.body, expectedVersion: incident.version } }),
      }),
    // The change's own answer is the incident as it now is: shown at once, before the refetch.
    onSuccess: (answer) => {
      const changed = answer as Incident | undefined;
      if (changed?.key !== incident.key || typeof changed.version !== 'number') return;
      queryClient.setQueryData<Detail>(keys.incident(incident.key), (detail) =>
        detail && detail.incident.version < changed.version
          ? { ...detail, incident: changed }
          : detail,
      );
    },
    onMutate: () => {
      setConflict(false);
      setRefusedAt(null);
    },
    onError: (error) => {
      if (error instanceof ApiError && error.status === 422) setRefusedAt(incident.version);
      if (error instanceof ApiError && error.status === 409) {
        setConflict(true);
        void queryClient.invalidateQueries({ queryKey: keys.incident(incident.key) });
      }
    },
    onSettled: () =>
      Promise.all(
        [keys.incidents, keys.line, keys.tasks, keys.deadlines].map((queryKey) =>
          queryClient.invalidateQueries({ queryKey }),
        ),
      ),
  });
  return {
    /**
     * Resolves true when the change was made; the page then shows it, and focus moves to the
     * heading of the section the change was made in (a refusal takes the focus itself).
     */
    run: (to: string, body: Record<string, unknown> = {}, method: Method = 'POST') => {
      const result = resultFocus();
      return mutation.mutateAsync({ to, body, method }).then(
        () => {
          result.land();
          return true;
        },
        () => false,
      );
    },
    pending: mutation.isPending,
    error:
      conflict || (refusedAt !== null && refusedAt !== incident.version) ? null : mutation.error,
    conflict,
  };
}

export type ActionAnswer = Detail['actions'][number];

/**
 * The server's answer for an action on this incident (a phase move: `target`): allowed, or every
 * reason why not, from the rules that would refuse it. Unknown: not allowed, without a reason.
 */
export function actionOf(
  detail: Pick<Detail, 'actions'>,
  action: ActionAnswer['action'],
  target: string | null = null,
): ActionAnswer {
  return (
    detail.actions.find((a) => a.action === action && a.target === target) ?? {
      action,
      target,
      allowed: false,
      reasons: [],
    }
  );
}

/**
 * The people who can be picked for a seat on an incident (the server says who, and refuses the
 * others; never a viewer). `holder`: whoever holds it now stays listed, so the choice shows them.
 */
export function eligibleFor(
  people: Person[],
  seat: Person['seats'][number],
  holder: string | null = null,
): Person[] {
  return people.filter((p) => p.seats.includes(seat) || p.id === holder);
}

/**
 * What the signed-in user may do on this incident: their permissions, and for assigning roles the
 * server's answer (the policy's roleAssignment, the commander). The server checks again.
 */
export function useRights(detail: Detail) {
  const { incident } = detail;
  const can = useCan();
  const me = useSession().user.id;
  const open = incident.closedAt === null;
  return {
    me,
    open,
    update: open && can('incidents.update'),
    assess: open && can('incidents.assess'),
    decide: open && can('incidents.decide'),
    manageRoles: actionOf(detail, 'assign_roles').allowed,
    /** Notes and the decision log stay writable after closing. */
    record: can('incidents.update'),
    /** Notes (internal, for the reporter, public): the communications lead's job too. */
    note: can('incidents.communicate'),
    readDeadlines: can('deadlines.read'),
  };
}
export type Rights = ReturnType<typeof useRights>;

/**
 * Why this step waits for verify & reproduce (the policy's `verification.requiredBefore`), in
 * words; null when it need not wait. The server refuses it the same way (422).
 */
export function waitingForReproduction(
  incident: Pick<Incident, 'reproduction'>,
  policy: PolicyResponse,
  step: VerifiedStep,
): string | null {
  if (!policy.verification.requiredBefore.includes(step)) return null;
  const r = incident.reproduction;
  if (r && r.result !== 'needs_information') return null;
  const state = r
    ? 'the reproduction is waiting for information from the reporter'
    : 'no reproduction is recorded yet';
  return `Waiting for verify & reproduce: ${state}. The policy orders it before ${VERIFIED_STEP_WORDS[step]}.`;
}

/** What every section of the incident page is given. */
export interface SectionProps {
  detail: Detail;
  policy: PolicyResponse;
  rights: Rights;
}

/** The vote form belongs at the top of the page when the person's next step is to vote. */
export function votesHere({ detail, rights }: Pick<SectionProps, 'detail' | 'rights'>): boolean {
  return rights.assess && detail.nextSteps.some((s) => s.kind === 'vote');
}
