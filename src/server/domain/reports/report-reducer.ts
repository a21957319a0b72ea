// How each recorded event changes a report, in memory: the one definition of what the record
// means for the row. The projection (report-projection.ts) writes the row this reduces to, so
// the record and the row cannot disagree; the property test (test/reports/report-reducer.test.ts)
// checks that projecting then loading equals reducing, and that the stored log reduces to the row.
import type { RecordedReportEvent } from './report-events.ts';
import type { Report } from './report-state.ts';
import { statusAfterMilestone } from './report-rules.ts';

/** The report after one more event (null before `report.received`). */
export function applyReportEvent(state: Report | null, event: RecordedReportEvent): Report {
  const { at } = event;
  if (event.type === 'report.received') {
    const d = event.data;
    const p = event.personal;
    return {
      id: event.streamId,
      key: d.key,
      status: 'received',
      summary: d.summary,
      description: d.description,
      stepsToReproduce: d.stepsToReproduce,
      impact: d.impact,
      firstNoticed: d.firstNoticed,
      affected: d.affected,
      preferredLanguage: d.preferredLanguage,
      publicUrl: d.publicUrl,
      creditConsent: d.creditConsent,
      creditName: d.creditName,
      contactName: p.contactName,
      contactEmail: p.contactEmail,
      contactPhone: p.contactPhone,
      contactPgpKey: p.contactPgpKey,
      accessCodeHash: p.accessCodeHash,
      verified: false,
      receivedAt: at,
      acknowledgeDueAt: d.acknowledgeDueAt,
      emergency: d.emergency,
      emergencySetBy: null,
      emergencySetAt: null,
      acknowledgedAt: null,
      acknowledgedBy: null,
      assessedAt: null,
      fixedAt: null,
      disclosedAt: null,
      closedAt: null,
      closeReason: null,
      duplicateOf: null,
      incidentId: null,
      version: event.seq,
      updatedAt: at,
    };
  }
  if (!state) throw new Error(`${event.type} before report.received on ${event.streamId}`);
  return { ...change(state, event), version: event.seq, updatedAt: at };
}

function change(
  s: Report,
  event: Exclude<RecordedReportEvent, { type: 'report.received' }>,
): Report {
  const { at, actorId } = event;
  switch (event.type) {
    case 'report.acknowledged':
      return { ...s, status: 'acknowledged', acknowledgedAt: at, acknowledgedBy: actorId };
    case 'report.emergency_changed':
      return {
        ...s,
        emergency: event.data.emergency,
        emergencySetBy: actorId,
        emergencySetAt: at,
        acknowledgeDueAt: event.data.acknowledgeDueAt,
      };
    case 'report.closed':
      return {
        ...s,
        status: event.data.resolution,
        closedAt: at,
        closeReason: event.data.reason,
        duplicateOf: null,
      };
    case 'report.duplicate_linked':
      return { ...s, duplicateOf: event.data.duplicateOf };
    case 'report.incident_linked':
      return { ...s, incidentId: event.data.incidentId };
    case 'report.incident_unlinked':
      return { ...s, incidentId: null };
    case 'report.status_changed':
      return { ...s, status: event.data.status };
    case 'report.milestone_recorded': {
      const { milestone } = event.data;
      return {
        ...s,
        [`${milestone}At` as const]: at,
        status: statusAfterMilestone(s.status, milestone),
      };
    }
    case 'report.public_removal_requested':
      return { ...s, publicUrl: s.publicUrl ?? event.data.url };
    case 'report.identity_verified':
      return { ...s, verified: true };
    case 'report.access_code_rotated':
      return { ...s, accessCodeHash: event.personal.accessCodeHash };
    case 'report.redacted':
      return event.data.field === 'contact'
        ? { ...s, contactName: null, contactEmail: null, contactPhone: null, contactPgpKey: null }
        : s;
    // On the record (and in their own tables: messages, files, tasks, verifications) only.
    case 'report.contact_recorded':
    case 'report.public_removal_updated':
    case 'report.public_copy_reported':
    case 'report.message_sent':
    case 'report.note_added':
    case 'report.reporter_replied':
    case 'report.evidence_added':
    case 'report.reporter_verified':
    case 'report.reporter_key_added':
    case 'report.deadline_reminded':
    case 'report.deadline_breached':
    case 'report.deadline_escalated':
    case 'report.deadline_met':
      return s;
  }
}

/** Reduces a run of recorded events onto a state (null: the report does not exist yet). */
export function reduceReport(state: Report | null, events: readonly RecordedReportEvent[]): Report {
  let next = state;
  for (const event of events) next = applyReportEvent(next, event);
  if (!next) throw new Error('no events to reduce for a report');
  return next;
}
