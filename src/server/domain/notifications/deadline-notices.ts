// What a deadline notice tells a person: which incident or report is due (its key always, its
// title only when the reader may see it), what is due and by when, and a link to its page in the
// console. The same words go out by e-mail (subject, text and HTML) and as a Slack @mention; the
// endpoints subscribed to deadline events get the same facts as signed JSON.
import { consolePath, consoleUrl } from '../../../shared/domain/console-paths.ts';
import type { NoticeLinks } from './preference-rules.ts';
import type { DeadlineEventType } from '../../../shared/domain/notifications.ts';
import { noticeHtml, noticeTitle } from './notice-text.ts';

/** The step of the escalation ladder a notice is about. */
export type DeadlineStep = 'reminder' | 'breach' | 'escalation';

export interface DeadlineSubject {
  /** programme: an item of the policy's schedule of exercises and reviews; follow_up: a
   * stand-alone follow-up (no incident holds it), known by its id. */
  type: 'incident' | 'report' | 'vulnerability' | 'programme' | 'follow_up';
  key: string;
  /** Null when the reader may not see it (a restricted incident, a report that follows one). */
  title: string | null;
}

export interface DeadlineNotice {
  step: DeadlineStep;
  /** What is due, in words: "respond to the incident". */
  task: string;
  dueAt: number;
  subject: DeadlineSubject;
  baseUrl: string;
}

const NOUN = {
  incident: 'Incident',
  report: 'Report',
  vulnerability: 'Vulnerability',
  programme: 'Scheduled',
  follow_up: 'Follow-up',
} as const;

/** "INC-2026-0007 Customer data exposed", or "INC-2026-0007 (restricted incident)". */
function naming(s: DeadlineSubject): string {
  if (s.title !== null) return `${s.key} ${noticeTitle(s.title)}`;
  return `${s.key} (restricted ${s.type})`;
}

export function deadlineNoticeText(n: DeadlineNotice): {
  subject: string;
  text: string;
  html: string;
  links: NoticeLinks;
} {
  const due = new Date(n.dueAt).toISOString();
  const what = n.step === 'reminder' ? 'Reminder' : 'Deadline missed';
  const link = consoleUrl(n.baseUrl, consolePath.subject(n.subject));
  const paragraphs = [
    n.step === 'reminder'
      ? `The deadline to ${n.task} is ${due}.`
      : `The deadline to ${n.task} was ${due} and is not met.`,
    n.subject.title === null
      ? `${NOUN[n.subject.type]} ${n.subject.key}: restricted; only its participants see what it is about.`
      : `${NOUN[n.subject.type]} ${n.subject.key}: ${noticeTitle(n.subject.title)}`,
  ];
  const label = `Open ${n.subject.key} in Stopline:`;
  return {
    subject: `${what}: ${n.task} — ${naming(n.subject)}`.slice(0, 250),
    text: [...paragraphs, `${label} ${link}`].join('\n\n'),
    html: noticeHtml(paragraphs, { label, url: link }),
    links: { open: link },
  };
}

/** One step of a deadline's ladder, for the endpoints subscribed to it (signed webhooks). */
export interface DeadlineEvent {
  type: DeadlineEventType;
  at: number;
  /** As an audience of unknown people may see it: a restricted subject has no title. */
  subject: DeadlineSubject & { id: string };
  deadline: {
    id: string;
    kind: string;
    dueAt: number;
    /** The incident's severity the deadline runs under; null for reports. */
    severity: string | null;
    /** The policy setting the due time comes from, e.g. severities.P1.responseWithin. */
    rule: string;
  };
  /** The ladder: the step fired (0 = the first reminder) and who it goes to at that step. */
  escalation: { stage: number; level: string };
  baseUrl: string;
}

/** The webhook payload of a deadline event (documented in docs/notifications.md). */
export function deadlinePayload(e: DeadlineEvent): string {
  const iso = (ms: number) => new Date(ms).toISOString();
  return JSON.stringify({
    type: e.type,
    timestamp: iso(e.at),
    data: {
      subject: {
        type: e.subject.type,
        id: e.subject.id,
        key: e.subject.key,
        title: e.subject.title,
        restricted: e.subject.title === null,
        url: consoleUrl(e.baseUrl, consolePath.subject(e.subject)),
      },
      deadline: {
        id: e.deadline.id,
        kind: e.deadline.kind,
        dueAt: iso(e.deadline.dueAt),
        severity: e.deadline.severity,
        rule: e.deadline.rule,
      },
      escalation: e.escalation,
      firedAt: iso(e.at),
    },
  });
}
