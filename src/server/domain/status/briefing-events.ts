// Internal briefings (issue 13, item 9): the events of an incident's briefing stream, and the
// state they reduce to. Each briefing sent to the stakeholder list is recorded with its exact
// words and who it went to; every event is internal. The stream is the incident's alone, so two
// instances briefing at once append at the same version and only one records it.
import type { Recorded } from '../../db/event-store.ts';
import type { Visibility } from '../../db/schema.ts';

export interface BriefingEventData {
  'status.briefing_sent': {
    incidentId: string;
    incidentKey: string;
    /** 1 for the first briefing on this incident. */
    number: number;
    /** The stakeholders it went to (user ids): those who may see the incident. */
    recipients: string[];
    headline: string;
    lines: string[];
  };
}

export type BriefingEvent = {
  [K in keyof BriefingEventData]: { type: K; data: BriefingEventData[K]; visibility: Visibility };
}[keyof BriefingEventData];

export type RecordedBriefingEvent = Recorded<BriefingEvent>;

export interface BriefingState {
  incidentId: string;
  version: number;
  sent: number;
  lastAt: number;
}

/** The briefing stream of an incident. */
export const briefingStream = (incidentId: string) => `status-briefings-${incidentId}`;

export function applyBriefingEvent(
  state: BriefingState | null,
  event: RecordedBriefingEvent,
): BriefingState {
  return {
    incidentId: event.data.incidentId,
    version: event.seq,
    sent: (state?.sent ?? 0) + 1,
    lastAt: event.at,
  };
}
