// One person's on-call shifts as an iCalendar file (RFC 5545), made by ical-generator: one event
// per shift, named for the schedule, with a stable UID so a calendar that imports it again
// updates the shifts instead of doubling them.
import { ICalCalendar } from 'ical-generator';
import { consolePath, consoleUrl } from '../../../shared/domain/console-paths.ts';
import type { PersonShifts } from '../../domain/oncall/index.ts';

export function shiftsCalendar(person: PersonShifts, baseUrl: string): string {
  const host = new URL(baseUrl).hostname;
  const calendar = new ICalCalendar({
    name: `On call: ${person.displayName}`,
    prodId: { company: 'Stopline', product: 'On call', language: 'EN' },
  });
  for (const shift of person.shifts) {
    calendar.createEvent({
      id: `${shift.scheduleId}-${shift.from}-${person.userId}@${host}`,
      start: new Date(shift.from),
      end: new Date(shift.to),
      summary: `On call: ${shift.scheduleName}`,
      url: consoleUrl(baseUrl, consolePath.onCall()),
      description:
        shift.source === 'override'
          ? `${person.displayName} covers this shift (an override).`
          : `${person.displayName} is on call (rotation).`,
    });
  }
  return calendar.toString();
}
