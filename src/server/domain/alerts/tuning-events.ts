// The answer to a tuning proposal (issue 18, item 4): alerts marked as noise propose tuning the
// detection rule behind them, one proposal per alert source and similar key. It is answered once,
// on the proposal's own stream (`tune:<sourceId>:<similarKey>`): taken as a stand-alone follow-up,
// or declined with the reason; what the noise said then is recorded with it.
import type { Recorded } from '../../db/event-store.ts';

interface TuningProposalRef {
  proposalId: string;
  sourceId: string;
  similarKey: string;
  /** How many alerts were noise, and the latest reasons, when it was answered. */
  alertCount: number;
  reasons: string[];
}

export interface TuningEventData {
  'tuning.proposal_taken': TuningProposalRef & { followUpId: string };
  'tuning.proposal_declined': TuningProposalRef & { reason: string };
}

export type TuningEventType = keyof TuningEventData;

export type TuningEvent = {
  [K in TuningEventType]: { type: K; data: TuningEventData[K]; visibility: 'internal' };
}[TuningEventType];

export type RecordedTuningEvent = Recorded<TuningEvent>;

export function tuningEvent<K extends TuningEventType>(
  type: K,
  data: TuningEventData[K],
): TuningEvent {
  return { type, data, visibility: 'internal' } as TuningEvent;
}
