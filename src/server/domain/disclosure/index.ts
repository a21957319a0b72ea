// The disclosure subject's public surface: vulnerabilities found in what the team ships, their
// embargo, advisory and credit (issue 16).
import { createVulnerabilityService, type DisclosurePorts } from './vulnerability-service.ts';

/** The disclosure subject, built by the composition root (container.ts) from its ports. */
export function createDisclosureModule(ports: DisclosurePorts) {
  return createVulnerabilityService(ports);
}

export type DisclosureModule = ReturnType<typeof createDisclosureModule>;

export type {
  DisclosureClocks,
  DisclosureIncidents,
  DisclosurePorts,
  DisclosureReporters,
  DisclosureReports,
  DisclosureStatusPage,
  ReporterNews,
  ReporterVulnerability,
  PublishedAdvisory,
  AdvisoryExport,
  ExportFormat,
} from './vulnerability-service.ts';
export { EXPORT_FORMATS } from './vulnerability-service.ts';
export type { AdvisoryPublisher } from './cve-record.ts';
export type { AdvisoryDocument, FrozenAdvisory } from './advisory-document.ts';
export type {
  VulnerabilityState,
  StatusDecision,
  DateStep,
  AdvisoryReview,
} from './vulnerability-state.ts';
export type { CvssScore } from './cvss-score.ts';
export { reviewApproved } from './vulnerability-rules.ts';
