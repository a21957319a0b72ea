// Learning answers (/api/v1/incidents/{ref}/postmortem): camelCase, times as RFC 3339, each
// section's Markdown also rendered safely (raw HTML off, allow-list sanitizer).
import type { z } from 'zod';
import type {
  Durations as DurationsJson,
  ExerciseReport as ExerciseReportJson,
  FollowUp as FollowUpJson,
  Postmortem,
  PostmortemTimeline as TimelineJson,
} from '../../../shared/api/learning.ts';
import type {
  ExerciseReportView,
  FollowUp,
  IncidentDurations,
  PostmortemTimeline,
  PostmortemView,
  Span,
} from '../../domain/learning/index.ts';
import { renderMarkdown } from '../public/markdown.ts';
import { presentTime } from './time-presenter.ts';

export function presentFollowUp(f: FollowUp, now: number): z.input<typeof FollowUpJson> {
  return {
    ...f,
    dueAt: presentTime(f.dueAt),
    overdue: f.status === 'open' && f.dueAt <= now,
    proposalId: f.proposalId ?? null,
    doneProposed: f.status === 'open' && f.tracker?.state === 'closed',
    createdAt: presentTime(f.createdAt),
    closedAt: presentTime(f.closedAt),
  };
}

export function presentPostmortem(view: PostmortemView, now: number): z.input<typeof Postmortem> {
  const p = view.postmortem;
  return {
    id: p.id,
    incident: { id: p.incidentId, key: p.incidentKey },
    status: p.status,
    version: p.version,
    ownerId: p.ownerId,
    policyHash: p.policyHash,
    authorMayApprove: p.authorMayApprove,
    sections: p.sections.map((s) => ({
      id: s.sectionId,
      title: s.title,
      prompt: s.prompt,
      required: s.required,
      body: s.body,
      html: s.body === '' ? '' : renderMarkdown(s.body).toString(),
      updatedBy: s.updatedBy,
      updatedAt: presentTime(s.updatedAt),
    })),
    followUps: p.followUps.map((f) => presentFollowUp(f, now)),
    unansweredSections: view.unansweredSections,
    submittedBy: p.submittedBy,
    submittedAt: presentTime(p.submittedAt),
    approvedBy: p.approvedBy,
    approvedAt: presentTime(p.approvedAt),
    approvalsRequired: p.approvalsRequired,
    approvals: p.approvals.map((a) => ({ userId: a.userId, at: presentTime(a.at) })),
    reviewerIds: p.reviewerIds,
    requiredBecause: view.requiredBecause,
    skipReason: p.skipReason,
    skippedBy: p.skippedBy,
    skippedAt: presentTime(p.skippedAt),
    changesRequested:
      p.changesRequested === null
        ? null
        : {
            reason: p.changesRequested.reason,
            by: p.changesRequested.by,
            at: presentTime(p.changesRequested.at),
          },
    createdAt: presentTime(p.createdAt),
    updatedAt: presentTime(p.updatedAt),
  };
}

export function presentTimeline(
  view: PostmortemTimeline,
  only: { important: boolean },
): z.input<typeof TimelineJson> {
  const html = (markdown: string) => renderMarkdown(markdown).toString();
  return {
    incident: { id: view.postmortem.incidentId, key: view.postmortem.incidentKey },
    version: view.postmortem.version,
    items: view.items
      .filter((i) => !only.important || i.important)
      .map((i) => ({
        ...i,
        at: presentTime(i.at),
        summaryHtml: i.source === 'entry' ? html(i.summary) : '',
        noteHtml: i.note === null ? null : html(i.note),
      })),
    proposedFollowUps: view.proposedFollowUps.map((p) => ({ ...p, at: presentTime(p.at) })),
    durations: presentDurations(view.durations),
  };
}

export function presentDurations(d: IncidentDurations | null): z.input<typeof DurationsJson> {
  const span = (s: Span | null) => (s ? { at: presentTime(s.at), ms: s.ms } : null);
  return (
    d && {
      startedAt: presentTime(d.startedAt),
      startedFrom: d.startedFrom,
      toAcknowledge: span(d.toAcknowledge),
      toContain: span(d.toContain),
      toResolve: span(d.toResolve),
    }
  );
}

export function presentExerciseReport(
  view: ExerciseReportView,
  now: number,
): z.input<typeof ExerciseReportJson> {
  const r = view.report;
  return {
    incident: {
      id: view.incident.id,
      key: view.incident.key,
      title: view.incident.title,
      exercise: true,
      kind: view.incident.exercise.kind,
      scenario: view.incident.exercise.scenario,
    },
    version: r.version,
    status: r.status,
    objectives: r.objectives.map((o) => ({ ...o, assessedAt: presentTime(o.assessedAt) })),
    summary: r.summary,
    completedBy: r.completedBy,
    completedAt: presentTime(r.completedAt),
    participants: view.participants,
    durations: presentDurations(view.durations),
    followUps: view.followUps.map((f) => presentFollowUp(f, now)),
    requiredToClose: view.requiredToClose,
  };
}
