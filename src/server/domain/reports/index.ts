// The reports subject's public surface: private intake of security reports from outside.
import type { FileStore } from '../../db/file-store.ts';
import { createAttachmentStore } from './attachment-store.ts';
import type { ReportsDeps } from './report-context.ts';
import { createReportRedaction } from './redaction-service.ts';
import { createReportsService } from './report-service.ts';

export type ReportsPorts = Omit<ReportsDeps, 'attachments'> & {
  /** STOPLINE_DATA_DIR: uploads are staged in its attachments/.incoming folder. */
  dataDir: string;
  /** Where attachments are kept (STOPLINE_FILE_STORE). */
  files: FileStore;
};

/** The reports subject, built by the composition root (container.ts) from its ports. */
export function createReportsModule({ dataDir, files, ...ports }: ReportsPorts) {
  const deps = { ...ports, attachments: createAttachmentStore(dataDir, files) };
  // Retention and erasure remove stored files from whichever store keeps them.
  return { ...createReportsService(deps), ...createReportRedaction({ ...deps, files }) };
}

export type ReportsModule = ReturnType<typeof createReportsModule>;

export { createReportsService, type ReportsService } from './report-service.ts';
export { createReportsReader, type ReportsReader } from './reader-service.ts';
export {
  createReportLinks,
  type ReportLinks,
  type ReportLinksPorts,
  type IncidentSightFinder,
} from './link-service.ts';
export type {
  ReportsDeps,
  ReportsSettings,
  AuditEntry,
  IncidentSource,
  OpenedIncident,
  ReportClockHook,
  ReporterNotices,
} from './report-context.ts';
export {
  createAttachmentStore,
  detectType,
  type AttachmentStore,
  type StagedFile,
} from './attachment-store.ts';
export type { IncomingFile, Receipt } from './intake-service.ts';
export type { ReportErasure, RetentionSwept } from './redaction-service.ts';
export type { PortalView, PortalSession } from './portal-service.ts';
export { PORTAL_SESSION_TTL, SIGN_IN_LIMITS } from './portal-service.ts';
export type { ReportIncidents, IncidentSight } from './access-service.ts';
export type { Report } from './report-state.ts';
export type { ReportCreditChoice } from './report-repository.ts';
export type {
  AttachmentRecord,
  MessageRecord,
  RedactionRecord,
  RemovalTaskRecord,
} from './report-repository.ts';
export {
  statusInPlainWords,
  isClosed,
  REPORTER_EVENT_LABELS,
  MILESTONE_WORDS,
  type Milestone,
  type MessageType,
} from './report-rules.ts';
export { portalCsrfToken, portalCsrfTokenMatches } from './portal-secrets.ts';
