// Shapes notification data for the API: times as ISO strings, minutes of the day as HH:MM.
import type {
  EndpointView,
  OutboxAttempt,
  OutboxEntry,
  Preferences,
} from '../../domain/notifications/index.ts';
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
