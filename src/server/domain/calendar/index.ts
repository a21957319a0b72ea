// The calendar subject's public surface: a person's iCalendar feed of what is due.
import { createCalendarService, type CalendarPorts } from './calendar-service.ts';

/** The calendar subject, built by the composition root (container.ts) from its ports. */
export function createCalendarModule(ports: CalendarPorts) {
  return createCalendarService(ports);
}

export type CalendarModule = ReturnType<typeof createCalendarModule>;

export type {
  CalendarDeadline,
  CalendarDeadlines,
  CalendarEntry,
  CalendarFeeds,
  CalendarLearning,
  CalendarPorts,
} from './calendar-service.ts';
