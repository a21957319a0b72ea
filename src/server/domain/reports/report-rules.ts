// Pure decisions about a report: which change is allowed and the events that record it, what the
// reporter is told in plain words, when the acknowledgment is due, and whether a message may be
// shared yet. A refused change throws RULE_REFUSED with the reason.
import type {
  CloseReportInput,
  IdentityVerificationInput,
  RemovalTaskUpdateInput,
  ReportFields,
  ReportStatus,
  StaffMessageInput,
} from '../../../shared/api/reports.ts';
import { AppError } from '../../errors.ts';
import type { Policy } from '../policy/index.ts';
import {
  reportEvent,
  type AttachmentSummary,
  type CloseResolution,
  type MessageType,
  type Milestone,
  type ReportEvent,
  type StoredAttachment,
} from './report-events.ts';
import type { Report } from './report-state.ts';

export type { CloseResolution, MessageType, Milestone };

export type Decision = { ok: true } | { ok: false; reason: string };
const allow: Decision = { ok: true };
const refuse = (reason: string): Decision => ({ ok: false, reason });

export function refuseUnless(decision: Decision): void {
  if (!decision.ok) throw new AppError('RULE_REFUSED', decision.reason);
}

const CLOSED: ReadonlySet<ReportStatus> = new Set(['duplicate', 'not_vulnerability', 'spam']);

export function isClosed(status: ReportStatus): boolean {
  return CLOSED.has(status);
}

/**
 * The acknowledgment the policy promises, always from receipt: received + acknowledgeWithin, or
 * emergencyAcknowledgeWithin for an emergency when the policy has one.
 */
export function acknowledgeDueAt(receivedAt: number, policy: Policy, emergency = false): number {
  const { acknowledgeWithin, emergencyAcknowledgeWithin } = policy.reporters;
  return (
    receivedAt + (emergency ? (emergencyAcknowledgeWithin ?? acknowledgeWithin) : acknowledgeWithin)
  );
}

export function decideAcknowledge(status: ReportStatus): Decision {
  if (status === 'received') return allow;
  if (isClosed(status)) return refuse('This report is closed; there is nothing to acknowledge.');
  return refuse('This report has already been acknowledged.');
}

export function decideClose(
  status: ReportStatus,
  resolution: CloseResolution,
  ownKey: string,
  duplicateOf?: string,
): Decision {
  if (isClosed(status)) return refuse('This report is already closed.');
  if (status === 'resolved')
    return refuse('This report is resolved; it cannot be closed as ' + resolution + '.');
  if (resolution === 'duplicate' && duplicateOf === ownKey)
    return refuse('A report cannot be a duplicate of itself.');
  return allow;
}

export function decideLinkIncident(status: ReportStatus, currentIncident: string | null): Decision {
  if (isClosed(status))
    return refuse('This report is closed; reopen it before linking an incident.');
  if (currentIncident)
    return refuse('This report is already linked to an incident; unlink it first to link another.');
  return allow;
}

export function decideUnlinkIncident(currentIncident: string | null): Decision {
  return currentIncident ? allow : refuse('This report is not linked to an incident.');
}

/** Unlinked, a report under investigation goes back to where it was before the incident. */
export function statusAfterUnlink(
  status: ReportStatus,
  acknowledgedAt: number | null,
): ReportStatus {
  if (status !== 'investigating') return status;
  return acknowledgedAt === null ? 'received' : 'acknowledged';
}

/**
 * Policy step 6: assessment results and technical details go only to a reporter whose identity
 * has been verified, when the policy says so.
 */
export function decideShareWithReporter(
  messageType: MessageType,
  verified: boolean,
  policy: Policy,
): Decision {
  if (messageType === 'general') return allow;
  if (!policy.reporters.verifyIdentityBeforeSharingResults || verified) return allow;
  const what = messageType === 'assessment' ? 'assessment results' : 'technical details';
  return refuse(
    `The reporter's identity has not been verified, and the policy requires verification before ` +
      `${what} are shared. Record an identity verification first, or send a general message.`,
  );
}

export function decideRotateAccessCode(verified: boolean): Decision {
  if (verified) return allow;
  return refuse(
    "Verify the reporter's identity before issuing a new access code: whoever asks for a new " +
      'code must be shown to be the reporter.',
  );
}

export function decideMilestone(
  status: ReportStatus,
  milestone: Milestone,
  already: boolean,
): Decision {
  if (isClosed(status)) return refuse('This report is closed.');
  if (already) return refuse(`The report is already marked ${milestone}.`);
  return allow;
}

/** Status after a milestone: "fixed" resolves the report; the others keep the status. */
export function statusAfterMilestone(status: ReportStatus, milestone: Milestone): ReportStatus {
  return milestone === 'fixed' ? 'resolved' : status;
}

/** What the reporter reads in the portal, in plain words. */
export function statusInPlainWords(status: ReportStatus): { title: string; text: string } {
  switch (status) {
    case 'received':
      return {
        title: 'Received',
        text: 'We have your report. A person on our security team will read it and acknowledge it.',
      };
    case 'acknowledged':
      return {
        title: 'Acknowledged',
        text: 'A person on our security team has read your report and is looking into it.',
      };
    case 'investigating':
      return {
        title: 'Being investigated',
        text: 'We are working on the issue you reported. We will keep you informed here.',
      };
    case 'resolved':
      return { title: 'Resolved', text: 'The issue you reported has been fixed. Thank you.' };
    case 'duplicate':
      return {
        title: 'Closed: reported before',
        text: 'Someone reported the same issue before you; we are handling it under that report.',
      };
    case 'not_vulnerability':
      return {
        title: 'Closed: not a security vulnerability',
        text: 'We looked into your report and concluded that it is not a security vulnerability.',
      };
    case 'spam':
      return {
        title: 'Closed',
        text: 'This report was not treated as a security report.',
      };
  }
}

/** Event types whose visibility is `reporter`, and how the portal names them. */
export const REPORTER_EVENT_LABELS: Record<string, string> = {
  'report.received': 'Report received',
  'report.acknowledged': 'Report acknowledged',
  'report.closed': 'Report closed',
  'report.status_changed': 'Status changed',
  'report.message_sent': 'Message from the security team',
  'report.reporter_replied': 'Your message',
  'report.evidence_added': 'You added evidence',
  'report.milestone_recorded': 'Progress',
  'report.access_code_rotated': 'Access code changed',
  'report.public_copy_reported': 'You told us where it was posted publicly',
  'report.reporter_verified': 'Identity verified',
  'report.reporter_key_added': 'You gave your OpenPGP key',
};

export const MILESTONE_WORDS: Record<Milestone, string> = {
  assessed: 'Your report has been assessed.',
  fixed: 'The issue has been fixed.',
  disclosed: 'The issue has been disclosed publicly.',
};

// The changes, each as the events that record it (appendToReport projects them).

/**
 * A report as a stranger sent it. Which ways to reach them were given is on the record, not the
 * details: personal data lives only on the report's row, where it can be erased; the log cannot
 * be. Policy step 1: a report already posted publicly is taken out of public view first.
 */
export function receive(input: {
  key: string;
  fields: ReportFields;
  attachments: AttachmentSummary[];
  /** Where those files are kept: for their rows, never the log. */
  files: StoredAttachment[];
  acknowledgeDueAt: number;
  accessCodeHash: string;
  /** The removal task to open, when the report says where it was posted publicly. */
  removalTaskId: string | null;
}): ReportEvent[] {
  const { fields } = input;
  const contact = fields.contact;
  return [
    {
      type: 'report.received',
      data: {
        key: input.key,
        summary: fields.summary,
        description: fields.description,
        stepsToReproduce: fields.stepsToReproduce ?? null,
        impact: fields.impact ?? null,
        firstNoticed: fields.firstNoticed ?? null,
        affected: fields.affected ?? null,
        preferredLanguage: fields.preferredLanguage ?? null,
        publicUrl: fields.publicUrl ?? null,
        creditConsent: fields.creditConsent,
        creditName: fields.creditName ?? null,
        attachments: input.attachments,
        emergency: fields.emergency,
        acknowledgeDueAt: input.acknowledgeDueAt,
      },
      personal: {
        contactName: contact.name ?? null,
        contactEmail: contact.email ?? null,
        contactPhone: contact.phone ?? null,
        contactPgpKey: contact.pgpKey ?? null,
        accessCodeHash: input.accessCodeHash,
        files: input.files,
      },
    },
    reportEvent('report.contact_recorded', {
      given: (['name', 'email', 'phone', 'pgpKey'] as const).filter(
        (k) => contact[k] !== undefined,
      ),
    }),
    ...(input.removalTaskId && fields.publicUrl
      ? requestRemoval(input.removalTaskId, fields.publicUrl, 'reporter')
      : []),
  ];
}

export function acknowledge(r: Report, now: number): ReportEvent[] {
  refuseUnless(decideAcknowledge(r.status));
  const dueAt = r.acknowledgeDueAt;
  return [reportEvent('report.acknowledged', { dueAt, onTime: now <= dueAt })];
}

/** Raised or lowered: the acknowledgment is due again from receipt; nothing when unchanged. */
export function changeEmergency(
  r: Report,
  policy: Policy,
  input: { emergency: boolean; reason: string },
): ReportEvent[] {
  if (r.emergency === input.emergency) return [];
  return [
    reportEvent('report.emergency_changed', {
      emergency: input.emergency,
      reason: input.reason,
      acknowledgeDueAt: acknowledgeDueAt(r.receivedAt, policy, input.emergency),
      previousDueAt: r.acknowledgeDueAt,
    }),
  ];
}

export function close(r: Report, input: CloseReportInput): ReportEvent[] {
  const duplicateOf = input.resolution === 'duplicate' ? input.duplicateOf : undefined;
  refuseUnless(decideClose(r.status, input.resolution, r.key, duplicateOf));
  return [
    // The reason is written for the reporter; the other report's key is not theirs to see.
    reportEvent('report.closed', { resolution: input.resolution, reason: input.reason }),
    ...(duplicateOf ? [reportEvent('report.duplicate_linked', { duplicateOf })] : []),
  ];
}

/** An incident now handles the report (it is being investigated), or no longer does. */
export function changeIncidentLink(r: Report, incidentId: string, linked: boolean): ReportEvent[] {
  if (linked) refuseUnless(decideLinkIncident(r.status, r.incidentId));
  else refuseUnless(decideUnlinkIncident(r.incidentId));
  const status = linked ? 'investigating' : statusAfterUnlink(r.status, r.acknowledgedAt);
  return [
    reportEvent(linked ? 'report.incident_linked' : 'report.incident_unlinked', { incidentId }),
    ...(status !== r.status ? [reportEvent('report.status_changed', { status })] : []),
  ];
}

export function recordMilestone(r: Report, milestone: Milestone): ReportEvent[] {
  refuseUnless(decideMilestone(r.status, milestone, r[`${milestone}At`] !== null));
  return [reportEvent('report.milestone_recorded', { milestone })];
}

/** Policy step 1: a public copy opens a "remove from public view" task before anything else. */
export function requestRemoval(
  taskId: string,
  url: string,
  recordedBy: 'reporter' | 'staff',
): ReportEvent[] {
  return [reportEvent('report.public_removal_requested', { taskId, url, recordedBy })];
}

/** The reporter tells us where it was posted: the task opens, and they read that we heard. */
export function reportPublicCopy(taskId: string, url: string): ReportEvent[] {
  return [
    ...requestRemoval(taskId, url, 'reporter'),
    reportEvent('report.public_copy_reported', { url }),
  ];
}

export function updateRemoval(taskId: string, input: RemovalTaskUpdateInput): ReportEvent[] {
  const evidence = input.evidence ?? null;
  return [reportEvent('report.public_removal_updated', { taskId, status: input.status, evidence })];
}

/** A message to the reporter (results only once they are verified, when the policy says so). */
export function staffMessage(
  r: Report,
  policy: Policy,
  messageId: string,
  input: StaffMessageInput,
): ReportEvent[] {
  if (input.kind === 'internal_note') {
    return [reportEvent('report.note_added', { messageId, body: input.body })];
  }
  refuseUnless(decideShareWithReporter(input.messageType, r.verified, policy));
  const data = { messageId, messageType: input.messageType, body: input.body };
  return [reportEvent('report.message_sent', data)];
}

export function verifyIdentity(
  verificationId: string,
  input: IdentityVerificationInput,
): ReportEvent[] {
  const note = input.note ?? null;
  return [
    reportEvent('report.identity_verified', { verificationId, method: input.method, note }),
    // The reporter learns that they are verified, not how or what was noted.
    reportEvent('report.reporter_verified', {}),
  ];
}

export function rotateAccessCode(r: Report, accessCodeHash: string): ReportEvent[] {
  refuseUnless(decideRotateAccessCode(r.verified));
  return [{ type: 'report.access_code_rotated', data: {}, personal: { accessCodeHash } }];
}

/** The reporter gave their OpenPGP public key in the portal (kept by the mail subject). */
export function reporterKeyAdded(fingerprint: string): ReportEvent[] {
  return [{ type: 'report.reporter_key_added', data: { fingerprint } }];
}

/** The reporter wrote (messageId) or only sent files (kept where `files` says: rows only). */
export function reporterReply(
  messageId: string | null,
  body: string,
  attachments: AttachmentSummary[],
  files: StoredAttachment[],
): ReportEvent[] {
  return [
    messageId
      ? {
          type: 'report.reporter_replied',
          data: { messageId, body, attachments },
          personal: { files },
        }
      : {
          type: 'report.evidence_added',
          data: { messageId: null, body: null, attachments },
          personal: { files },
        },
  ];
}
