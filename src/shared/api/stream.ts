// GET /api/v1/stream: live updates for the staff console as Server-Sent Events. Each `change`
// message says *what* changed, never the data: the console refetches what it shows through the
// normal API, which applies its own authorization. See docs/live.md.
import { z } from 'zod';
import { IsoTime } from './accounts.ts';

/** What a notice is about; the console picks the views to refresh by it. */
export const STREAM_SUBJECTS = [
  'incident',
  'report',
  'line',
  'deadline',
  'task',
  'breach',
] as const;
export const StreamSubject = z.enum(STREAM_SUBJECTS);
export type StreamSubject = z.infer<typeof StreamSubject>;

/** The SSE event names the stream sends. */
export const STREAM_EVENTS = {
  /** Once, first: the stream is subscribed; changes from now on (and replayed ones) follow. */
  ready: 'ready',
  /** Something changed; `id:` is the event's position in the log (send it back as Last-Event-ID). */
  change: 'change',
  /** More changes were missed than can be replayed: refetch everything shown. */
  reset: 'reset',
  /** The server ends the stream (signed out, session over, shutting down). */
  closed: 'closed',
} as const;

export const StreamNotice = z.object({
  subject: StreamSubject,
  /**
   * The changed thing: an incident key (`INC-2026-0001`) for incident and line, a report key
   * (`RPT-0042`) for report, the deadline id for deadline, the task id for task, the incident key
   * for breach (its breach record changed: the notice never says how).
   */
  key: z.string(),
  /** The event type on the record, e.g. `incident.severity_set`, `report.status_changed`. */
  type: z.string(),
  at: IsoTime,
  /** The incident the change belongs to (every change on an incident's record). */
  incident: z.string().optional(),
  /** The report the change belongs to (every change on a report's record). */
  report: z.string().optional(),
});
export type StreamNotice = z.infer<typeof StreamNotice>;

export const StreamReady = z.object({
  /** Seconds between heartbeat comments; a stream silent for much longer is dead. */
  heartbeatSeconds: z.number(),
});
export type StreamReady = z.infer<typeof StreamReady>;

export const StreamReset = z.object({ reason: z.literal('too_many_missed') });
export type StreamReset = z.infer<typeof StreamReset>;

export const StreamClosed = z.object({ reason: z.enum(['signed_out', 'shutting_down']) });
export type StreamClosed = z.infer<typeof StreamClosed>;

/** Last-Event-ID as the browser sends it back on reconnect: the position of the last notice. */
export const LastEventId = z.string().regex(/^\d{1,15}$/, 'must be the id of a stream message');
