// The reports subject's public surface: private intake of security reports from outside.
import { createAttachmentStore } from './attachment-store.ts';
import type { ReportsDeps } from './reports-context.ts';
import { createReportsService } from './reports-service.ts';

export type ReportsPorts = Omit<ReportsDeps, 'attachments'> & {
  /** STOPLINE_DATA_DIR: attachments are kept in its attachments folder. */
  dataDir: string;
};

/** The reports subject, built by the composition root (container.ts) from its ports. */
export function createReportsModule({ dataDir, ...ports }: ReportsPorts) {
  return createReportsService({ ...ports, attachments: createAttachmentStore(dataDir) });
}

export type ReportsModule = ReturnType<typeof createReportsModule>;

export { createReportsService, type ReportsService } from './reports-service.ts';
export type {
  ReportsDeps,
  ReportsSettings,
  AuditEntry,
  IncidentSource,
  OpenedIncident,
  ReportClockHook,
  ReporterNotices,
} from './reports-context.ts';
export {
  createAttachmentStore,
  detectType,
  type AttachmentStore,
  type StagedFile,
} from './attachment-store.ts';
export type { IncomingFile, Receipt } from './reports-intake.ts';
export type { PortalView, PortalSession } from './reports-portal.ts';
export { PORTAL_SESSION_TTL, SIGN_IN_LIMITS } from './reports-portal.ts';
export type { ReportIncidents, IncidentSight } from './reports-access.ts';
export type { Report } from './report-state.ts';
export type { AttachmentRecord, MessageRecord, RemovalTaskRecord } from './reports-repository.ts';
export {
  statusInPlainWords,
  isClosed,
  REPORTER_EVENT_LABELS,
  MILESTONE_WORDS,
  type Milestone,
  type MessageType,
} from './reports-rules.ts';
export { portalCsrfToken, portalCsrfTokenMatches } from './reports-secrets.ts';
