// The learning programme's events (issue 14, item 7; Kai section 10): a process review, staff
// training or external test recorded on its own stream, and the clocks' steps of a schedule
// item's deadlines (reminded, breached, escalated, met) on the item's stream.
import type { ClockEvent } from '../clocks/index.ts';

import { RECORDED_ACTIVITY_KINDS } from '../../../shared/domain/learning.ts';

export const RECORDED_KINDS = RECORDED_ACTIVITY_KINDS;
export type RecordedKind = (typeof RECORDED_KINDS)[number];

export interface ActivityFields {
  kind: RecordedKind;
  heldAt: number;
  /** Who took part, as written. */
  participants: string;
  summary: string;
  /** Where the evidence is (http or https). */
  evidenceUrl: string;
}

export type ActivityEvent = {
  type: 'programme.activity_recorded';
  data: ActivityFields;
  visibility: 'internal';
};

export type ScheduleItemEvent = ClockEvent<'programme'>;
