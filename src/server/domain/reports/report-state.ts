// The report as use cases, rules and presenters see it: the reduction of its events
// (report-reducer.ts), as the repository loads it from the row the projection writes.
import type { ReportStatus } from '../../../shared/api/reports.ts';
import type { ReportEventData, ReportPersonalData } from './report-events.ts';

/** What the reporter sent, as `report.received` records it (the files are listed apart). */
type Received = Omit<ReportEventData['report.received'], 'attachments'>;
/** What `report.received` puts on the row only: contact details and the access code's hash. */
type ReceivedOnRow = Omit<ReportPersonalData['report.received'], 'files'>;

/**
 * The fields of `report.received` and its row-only data, as received (staff may change
 * `emergency`, `acknowledgeDueAt` and `publicUrl` since), and what the report's later events set.
 */
export interface Report extends Received, ReceivedOnRow {
  id: string;
  status: ReportStatus;
  verified: boolean;
  receivedAt: number;
  /** Who last raised or lowered the emergency (null: as the reporter sent it), and when. */
  emergencySetBy: string | null;
  emergencySetAt: number | null;
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
  assessedAt: number | null;
  fixedAt: number | null;
  disclosedAt: number | null;
  closedAt: number | null;
  closeReason: string | null;
  duplicateOf: string | null;
  incidentId: string | null;
  /** The report's stream version: the seq of its last event. */
  version: number;
  updatedAt: number;
}
