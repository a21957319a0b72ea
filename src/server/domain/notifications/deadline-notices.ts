// What a deadline notice tells a person: which incident or report is due (its key always, its
// title only when the reader may see it), what is due and by when, and a link to its page in the
// console. The same words go out by e-mail (subject, text and HTML) and as a Slack @mention.
import { consolePath, consoleUrl } from '../../../shared/domain/console-paths.ts';
import { noticeHtml, noticeTitle } from './notice-text.ts';

/** The step of the escalation ladder a notice is about. */
export type DeadlineStep = 'reminder' | 'breach' | 'escalation';

export interface DeadlineSubject {
  type: 'incident' | 'report';
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

const NOUN = { incident: 'Incident', report: 'Report' } as const;

/** "INC-2026-0007 Customer data exposed", or "INC-2026-0007 (restricted incident)". */
function naming(s: DeadlineSubject): string {
  if (s.title !== null) return `${s.key} ${noticeTitle(s.title)}`;
  return `${s.key} (restricted ${s.type === 'incident' ? 'incident' : 'report'})`;
}

export function deadlineNoticeText(n: DeadlineNotice): {
  subject: string;
  text: string;
  html: string;
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
  };
}
