// Pure decisions about a report: which status change is allowed, what the reporter is told in
// plain words, when the acknowledgment is due, and whether a message may be shared yet.
import type { ReportStatus } from '../../../shared/api/reports.ts';
import type { Policy } from '../policy/index.ts';

export type CloseResolution = 'duplicate' | 'not_vulnerability' | 'spam';
export type MessageType = 'general' | 'assessment' | 'technical_details';
export type Milestone = 'assessed' | 'fixed' | 'disclosed';

export type Decision = { ok: true } | { ok: false; reason: string };
const allow: Decision = { ok: true };
const refuse = (reason: string): Decision => ({ ok: false, reason });

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
};

export const MILESTONE_WORDS: Record<Milestone, string> = {
  assessed: 'Your report has been assessed.',
  fixed: 'The issue has been fixed.',
  disclosed: 'The issue has been disclosed publicly.',
};
