// The HTTP contract for a person's iCalendar feed: its state, and its URL (with the secret) shown
// once, right after it is made or rotated.
import { z } from 'zod';
import { IsoTime } from './accounts.ts';

/** Where calendar apps fetch the feed; the secret goes in `?token=` (logs redact it). */
export const CALENDAR_FEED_PATH = '/api/v1/calendar.ics';

export const CalendarFeedView = z.object({
  /** Whether a feed URL works now (none made yet, or revoked: false). */
  active: z.boolean(),
  createdAt: IsoTime.nullable(),
  lastUsedAt: IsoTime.nullable(),
});
export type CalendarFeedView = z.infer<typeof CalendarFeedView>;

export const CreatedCalendarFeed = z.object({
  /** The feed's address with its secret: shown once; only the secret's hash is stored. */
  url: z.string(),
  feed: CalendarFeedView,
});
export type CreatedCalendarFeed = z.infer<typeof CreatedCalendarFeed>;

export const CalendarFeedQuery = z.object({ token: z.string().min(1).max(200) });
