// The continuity subject's public surface: the offline copy of the policy, its runbooks and the
// on-call contact tree (the manual fallback checklists themselves live on incidents).
import { createOfflineCopyService, type ContinuityPorts } from './offline-copy-service.ts';

/** The continuity subject, built by the composition root (container.ts) from its ports. */
export function createContinuityModule(ports: ContinuityPorts) {
  return createOfflineCopyService(ports);
}

export type ContinuityModule = ReturnType<typeof createContinuityModule>;

export type { ContinuityPorts, OfflineCopy } from './offline-copy-service.ts';
export type { OpenIncidentLine } from './offline-copy-html.ts';
export { OFFLINE_COPY_FILE, refreshOfflineCopy, writeOfflineCopy } from './offline-copy-file.ts';
