// What a fired step of a deadline's ladder tells, in the firing transaction: each person told
// hears which incident or report is due on their own channels (by e-mail with its title if they
// may see it; on Slack, a channel others read, as anyone may see it); the signed webhooks
// subscribed to the step get it with the subject as anyone may see it.
import type { Executor } from '../../db/schema.ts';
import type { NoticeReader } from '../actor.ts';
import {
  deadlineNoticeText,
  type DeadlineEvent,
  type DeadlineStep,
  type DeadlineSubject,
  type UserNotice,
} from '../notifications/index.ts';
import { policyRule, type Deadline } from './deadline-rules.ts';

/** Where a notice's subject is named from: the incidents, reports or disclosure subject (ports). */
interface HeadlineSource {
  findNoticeHeadline(
    tx: Executor,
    id: string,
    reader: NoticeReader | null,
  ): Promise<{ key: string; title: string | null } | null>;
}

/** What the clocks need of notifications (the one notice path, with its exercise gate). */
export interface StepNotices {
  /** To one person on their channels; `incidentId`: the incident the deadline is of. */
  tellPerson(tx: Executor, notice: UserNotice & { incidentId: string | null }): Promise<void>;
  /** To the signed webhooks subscribed to the step. */
  tellDeadlineStep(
    tx: Executor,
    step: Omit<DeadlineEvent, 'subject'>,
    findSubject: () => Promise<DeadlineEvent['subject'] | null>,
    incidentId: string | null,
  ): Promise<void>;
}

export interface StepNoticeDeps {
  baseUrl: string;
  incidents: HeadlineSource;
  reports: HeadlineSource;
  vulnerabilities: HeadlineSource;
  /** The policy's schedule of exercises and reviews (the items' titles name them). */
  schedule(): readonly { id: string; title: string }[];
  /** Stand-alone follow-ups (learning), named by their id and title. */
  followUps: Pick<HeadlineSource, 'findNoticeHeadline'>;
  notices: StepNotices;
}

export interface FiredStep {
  deadline: Deadline & { severity: string | null };
  stage: number;
  /** The step as told: the first step past the due time is the breach. */
  step: DeadlineStep;
  /** Who the step goes to on the ladder: owner, then the policy's escalateTo levels. */
  level: string;
  /** The policy says this cannot wait (quiet hours do not hold it back). */
  urgent: boolean;
  at: number;
}

const WEBHOOK_TYPE = {
  reminder: 'deadline.reminded',
  breach: 'deadline.breached',
  escalation: 'deadline.escalated',
} as const;

const KIND_WORDS: Record<Deadline['kind'], string> = {
  reporter_acknowledgment: 'acknowledge the security report',
  response: 'respond to the incident',
  internal_update: 'post an internal status update',
  customer_first_notice: 'send the first notice to customers',
  customer_update: 'update customers',
  final_report: 'write the final report',
  task_due: 'finish the task',
  breach_stage: 'submit the breach notification',
  postmortem_due: 'send the post-mortem to review',
  follow_up_due: 'finish the post-mortem follow-up',
  panel_vote: 'vote on the panel',
  fix_target: 'fix the vulnerability',
  disclosure_date: 'publish the advisory by the disclosure date',
  max_embargo: 'publish the advisory within the longest embargo',
  reporter_update: 'update the reporter',
  schedule_due: 'hold what the policy schedules',
};

/** What is due, in words ("respond to the incident"), as notices and calendars say it. */
export function deadlineTask(kind: Deadline['kind']): string {
  return KIND_WORDS[kind];
}

/** The subject of a deadline as a notice to this reader names it (null: it is gone). */
export async function subjectFor(
  tx: Executor,
  deps: Pick<
    StepNoticeDeps,
    'incidents' | 'reports' | 'vulnerabilities' | 'schedule' | 'followUps'
  >,
  d: Deadline,
  reader: NoticeReader | null,
): Promise<DeadlineSubject | null> {
  if (d.subjectType === 'programme') {
    // A schedule item is no secret: its id and title, from the policy.
    const item = deps.schedule().find((i) => i.id === d.subjectId);
    return item ? { type: 'programme', key: item.id, title: item.title } : null;
  }
  const source =
    d.subjectType === 'follow_up'
      ? deps.followUps
      : d.subjectType === 'incident'
        ? deps.incidents
        : d.subjectType === 'vulnerability'
          ? deps.vulnerabilities
          : deps.reports;
  const headline = await source.findNoticeHeadline(tx, d.subjectId, reader);
  return headline && { type: d.subjectType, ...headline };
}

export async function tellStep(
  tx: Executor,
  deps: StepNoticeDeps,
  fired: FiredStep,
  recipients: readonly (NoticeReader & { email: string })[],
): Promise<void> {
  const { deadline: d, stage, step, level, at } = fired;
  const words = (subject: DeadlineSubject) =>
    deadlineNoticeText({
      step,
      task: KIND_WORDS[d.kind],
      dueAt: d.dueAt,
      subject,
      baseUrl: deps.baseUrl,
    });
  // As anyone may see it: for Slack channels (others read them) and signed webhooks.
  const published = await subjectFor(tx, deps, d, null);
  const incidentId = d.subjectType === 'incident' ? d.subjectId : null;
  for (const r of recipients) {
    const subject = await subjectFor(tx, deps, d, r);
    if (!subject || !published) continue;
    const notice = words(subject);
    const inChannel = words(published);
    await deps.notices.tellPerson(tx, {
      incidentId,
      user: r,
      kind: step === 'reminder' ? 'deadline_reminder' : 'deadline_escalation',
      urgent: fired.urgent,
      subject: notice.subject,
      text: notice.text,
      html: notice.html,
      links: notice.links,
      inChannel: { subject: inChannel.subject, text: inChannel.text },
      idempotencyKey: `deadline:${d.id}:${stage}:${r.id}`,
      at,
    });
  }
  await deps.notices.tellDeadlineStep(
    tx,
    {
      type: WEBHOOK_TYPE[step],
      at,
      deadline: {
        id: d.id,
        kind: d.kind,
        dueAt: d.dueAt,
        severity: d.severity,
        rule: policyRule(d.kind, d.severity),
      },
      escalation: { stage, level },
      baseUrl: deps.baseUrl,
    },
    async () => published && { ...published, id: d.subjectId },
    incidentId,
  );
}
