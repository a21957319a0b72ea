// The report as use cases, rules and presenters see it: the reduction of its events
// (report-reducer.ts), as the repository loads it from the row the projection writes.
import type { ReportStatus } from '../../../shared/api/reports.ts';

export interface Report {
  id: string;
  key: string;
  status: ReportStatus;
  summary: string;
  description: string;
  stepsToReproduce: string | null;
  impact: string | null;
  firstNoticed: string | null;
  affected: string | null;
  preferredLanguage: string | null;
  /** Where the reporter or staff said the issue was posted publicly (the first one told). */
  publicUrl: string | null;
  creditConsent: boolean;
  creditName: string | null;
  /** Personal data: on the row only, never in the log, so it can be erased. */
  contactName: string | null;
  contactEmail: string | null;
  contactPhone: string | null;
  contactPgpKey: string | null;
  /** SHA-256 (hex) of the reporter's access code; the code itself is never stored. */
  accessCodeHash: string;
  verified: boolean;
  receivedAt: number;
  acknowledgeDueAt: number;
  /** Reported or raised as an emergency: the policy's emergency acknowledgment clock applies. */
  emergency: boolean;
  /** Who last raised or lowered it (null: as the reporter sent it), and when. */
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
