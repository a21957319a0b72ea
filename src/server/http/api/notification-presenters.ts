// Shapes notification data for the API: times as ISO strings, minutes of the day as HH:MM.
import type {
  EndpointView,
  OutboxAttempt,
  OutboxEntry,
  PageView as DomainPageView,
  Preferences,
  PushDevice,
} from '../../domain/notifications/index.ts';
import type { PageView } from '../../../shared/api/notifications.ts';
import { presentTime as iso } from './time-presenter.ts';

const hhmm = (minute: number) =>
  `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

export function presentPreferences(prefs: Preferences) {
  return {
    channels: prefs.channels,
    quietHours: prefs.quietHours
      ? {
          start: hhmm(prefs.quietHours.startMinute),
          end: hhmm(prefs.quietHours.endMinute),
          timeZone: prefs.quietHours.timeZone,
        }
      : null,
    slackMemberId: prefs.slackMemberId,
    ntfy: prefs.ntfy ?? null,
    phone: prefs.phone ?? null,
    pushDevices: prefs.pushDevices ?? 0,
    mandatory: ['line_stopped' as const],
  };
}

export function presentEndpoint(e: EndpointView) {
  return { ...e, createdAt: iso(e.createdAt), updatedAt: iso(e.updatedAt) };
}

export function presentOutboxMessage(m: OutboxEntry) {
  return {
    ...m,
    nextAttemptAt: iso(m.nextAttemptAt),
    createdAt: iso(m.createdAt),
    deliveredAt: iso(m.deliveredAt),
  };
}

export function presentAttempt(a: OutboxAttempt) {
  return { ...a, startedAt: iso(a.startedAt), finishedAt: iso(a.finishedAt) };
}

/** A page as it reached the caller; a restricted subject by key only, as in a channel. */
export function presentPage(p: DomainPageView): PageView {
  return {
    id: p.id,
    about: {
      type: p.about.type,
      key: p.about.key,
      title: p.about.restricted ? null : p.about.title,
    },
    headline: p.headline,
    lines: [...p.lines],
    level: p.level,
    pagedAt: iso(p.pagedAt),
    acknowledgedAt: iso(p.acknowledgedAt),
    acknowledgedBy: p.acknowledgedBy,
    nextEscalationAt: iso(p.nextEscalationAt),
  };
}

export function presentPushDevice(d: PushDevice) {
  return { ...d, createdAt: iso(d.createdAt) };
}
