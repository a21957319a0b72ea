// What a notice to the people who must act says: what they must do, which incident or report it
// is about (its key, and its title to them, who may see it; on Slack, a channel others read, a
// restricted incident is named by its key only) and a link to its page in the console.
import { consolePath, consoleUrl } from '../../../shared/domain/console-paths.ts';
import { noticeHtml, noticeTitle } from './notice-text.ts';
import type { EventKind, NoticeLinks } from './preference-rules.ts';

export interface StaffNotice {
  /** The people a change names (by user id), or everyone active with one of these roles. */
  to: { userIds: readonly string[] } | { roles: readonly string[] };
  kind: EventKind;
  /** The policy says this cannot wait (an emergency report, a severity that bypasses quiet hours). */
  urgent: boolean;
  about: {
    type: 'incident' | 'report' | 'vulnerability';
    key: string;
    title: string;
    restricted: boolean;
  };
  /** A few words before the key in the subject: "Vote needed", "Assigned to you". */
  headline: string;
  /** What they must do, a sentence each; never reporter-supplied text. */
  lines: readonly string[];
  /** Unique per notice; each person's copy adds their id. */
  idempotencyKey: string;
  at: number;
}

const NOUN = { incident: 'Incident', report: 'Report', vulnerability: 'Vulnerability' } as const;

/** A page's acknowledge link, and the level it reached this person at (0: first told). */
export interface PageLink {
  url: string;
  level: number;
  /** What the level is, for people paged because nobody acknowledged: "security_lead". */
  role: string | null;
  /** How long the level before had to acknowledge. */
  afterMs: number;
}

function climbedLine(ack: PageLink | null): string[] {
  if (!ack || ack.level === 0) return [];
  const minutes = Math.round(ack.afterMs / 60_000);
  return [
    `Nobody acknowledged this page within ${minutes} minutes: you are paged as the next level (${ack.role ?? 'staff'}).`,
  ];
}

export function staffNoticeText(
  n: StaffNotice,
  baseUrl: string,
  shown: { title: boolean },
  ack: PageLink | null = null,
): { subject: string; text: string; html: string; links: NoticeLinks } {
  const naming = shown.title
    ? `${n.about.key} ${noticeTitle(n.about.title)}`
    : `${n.about.key} (restricted ${n.about.type})`;
  const link = {
    label: `Open ${n.about.key} in Stopline:`,
    url: consoleUrl(baseUrl, consolePath.subject(n.about)),
  };
  // Lines can repeat what staff wrote (a task's title): one line each, no second link.
  const paragraphs = [
    ...n.lines.map((line) => noticeTitle(line, 600)),
    ...climbedLine(ack),
    shown.title
      ? `${NOUN[n.about.type]} ${n.about.key}: ${noticeTitle(n.about.title)}`
      : `${NOUN[n.about.type]} ${n.about.key}: restricted; only its participants see what it is about.`,
  ];
  const headline = ack && ack.level > 0 ? `Not acknowledged: ${n.headline}` : n.headline;
  // The page's next step first: acknowledging it stops the ladder.
  const first = ack
    ? [{ label: 'Acknowledge this page so that it stops escalating:', url: ack.url }]
    : [];
  return {
    subject: `${headline}: ${naming}`.slice(0, 250),
    text: [
      ...paragraphs,
      ...first.map((l) => `${l.label} ${l.url}`),
      `${link.label} ${link.url}`,
    ].join('\n\n'),
    html: noticeHtml(paragraphs, link, first),
    links: { open: link.url, ...(ack ? { acknowledge: ack.url } : {}) },
  };
}
