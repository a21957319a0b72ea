// Which of a person's channels a notice goes to, and when: their choice per kind of event, held
// back during their quiet hours, except for what cannot wait (severities the policy marks
// `bypassQuietHours`, and the line stopping). A choice that cannot reach them falls back to e-mail.

/** email: the account address; slack: an @mention on the team's Slack endpoint (user.notice);
 * ntfy: a push to the person's own ntfy topic; sms, voice: a text message or a call to their
 * phone number (the operator's Twilio-compatible account); push: a Web Push notification to each
 * browser where they enabled it (the installed console). */
export const USER_CHANNELS = ['email', 'slack', 'ntfy', 'sms', 'voice', 'push'] as const;
export type UserChannel = (typeof USER_CHANNELS)[number];

/** The channels addressed to the person themselves (the outbox recipient is their user id), whose
 * address (a topic, a number) is looked up when the message is sent. */
export const PERSONAL_CHANNELS = [
  'ntfy',
  'sms',
  'voice',
  'push',
] as const satisfies readonly UserChannel[];
export type PersonalChannel = (typeof PERSONAL_CHANNELS)[number];

export const EVENT_KINDS = [
  'line_stopped',
  'incident_assigned',
  'role_assigned',
  'task_assigned',
  'panel_vote',
  'deadline_reminder',
  'deadline_escalation',
  'report_received',
  'breach_escalation',
  'briefing',
  'reporter_action',
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/** Kinds nobody can turn off: everyone concerned hears of them on every channel. */
export const MANDATORY_KINDS: readonly EventKind[] = ['line_stopped'];

export interface QuietHours {
  /** Minutes after local midnight; start > end spans midnight (22:00–07:00). */
  startMinute: number;
  endMinute: number;
  timeZone: string;
}

export interface Preferences {
  channels: Partial<Record<EventKind, UserChannel[]>>;
  quietHours: QuietHours | null;
  /** Their Slack member id, @mentioned on Slack endpoints that carry user.notice; null: none. */
  slackMemberId: string | null;
  /** Their ntfy topic (its token is never read back, only whether there is one); absent: none. */
  ntfy?: { url: string; hasToken: boolean } | null;
  /** Their phone number (E.164) for sms and voice; absent: none. */
  phone?: string | null;
  /** How many of their browsers take Web Push (the push channel); absent: none. */
  pushDevices?: number;
}

/** Where a notice leads, for channels that show it as a button (ntfy's Click and Actions): its
 * page in the console, and a page's acknowledge link for the person it reached. */
export interface NoticeLinks {
  open: string;
  acknowledge?: string;
}

export interface Routing {
  channels: UserChannel[];
  /** Send no earlier than this (the end of quiet hours), or at once. */
  notBefore: number;
}

export interface NoticeContext {
  /** The policy says this cannot wait (the incident's severity bypasses quiet hours). */
  urgent: boolean;
  at: number;
  /** The channels that can reach this person now (e-mail always can). */
  reachable: readonly UserChannel[];
}

/** The channels that can reach a person: Slack only with a member id and an endpoint for it,
 * ntfy only with a topic, sms and voice only with a phone number, push only with a browser that
 * subscribed. */
export function reachableChannels(prefs: Preferences, slackEndpoint: boolean): UserChannel[] {
  return [
    'email',
    ...(prefs.slackMemberId !== null && slackEndpoint ? (['slack'] as const) : []),
    ...(prefs.ntfy ? (['ntfy'] as const) : []),
    ...(prefs.phone ? (['sms', 'voice'] as const) : []),
    ...((prefs.pushDevices ?? 0) > 0 ? (['push'] as const) : []),
  ];
}

function localMinute(at: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(at));
  const value = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return value('hour') * 60 + value('minute');
}

function inQuietHours(q: QuietHours, minute: number): boolean {
  if (q.startMinute === q.endMinute) return false;
  return q.startMinute < q.endMinute
    ? minute >= q.startMinute && minute < q.endMinute
    : minute >= q.startMinute || minute < q.endMinute;
}

/** Minutes from `minute` until quiet hours end. */
function minutesUntilEnd(q: QuietHours, minute: number): number {
  return (q.endMinute - minute + 24 * 60) % (24 * 60);
}

export function routeNotice(prefs: Preferences, kind: EventKind, context: NoticeContext): Routing {
  const reachable = USER_CHANNELS.filter((c) => c === 'email' || context.reachable.includes(c));
  if (MANDATORY_KINDS.includes(kind)) return { channels: reachable, notBefore: context.at };
  const chosen = prefs.channels[kind] ?? [...USER_CHANNELS];
  // A call wakes someone: only for what cannot wait.
  const usable = reachable.filter((c) => chosen.includes(c) && (c !== 'voice' || context.urgent));
  // Chosen, but none of the choices can reach them (no Slack endpoint): e-mail instead.
  const channels: UserChannel[] = chosen.length > 0 && usable.length === 0 ? ['email'] : usable;
  const q = prefs.quietHours;
  if (context.urgent || !q) return { channels, notBefore: context.at };
  const minute = localMinute(context.at, q.timeZone);
  if (!inQuietHours(q, minute)) return { channels, notBefore: context.at };
  const wait = minutesUntilEnd(q, minute) * 60_000;
  // Align to the whole minute the quiet hours end.
  return { channels, notBefore: context.at - (context.at % 60_000) + wait };
}
