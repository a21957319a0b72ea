// The status subject's public surface: the public status page and the communications published
// on it (components, public incidents and their updates, and the drafts a second person approves).
import { createBriefingService } from './briefing-service.ts';
import { createCustomerService } from './customer-service.ts';
import { createDraftService } from './draft-service.ts';
import { createFinalReportService } from './final-report-service.ts';
import { createMaintenanceService } from './maintenance-service.ts';
import { createPublishing, type StatusModulePorts } from './publishing.ts';
import { createStatusService } from './status-service.ts';
import { createSubscriberService } from './subscriber-service.ts';

/** Builds the status subject from the narrow ports it declares (StatusModulePorts). */
export function createStatusModule(ports: StatusModulePorts) {
  const publishing = createPublishing(ports);
  const drafts = createDraftService(ports, publishing);
  return {
    ...createStatusService(ports, publishing),
    ...drafts,
    ...createFinalReportService(ports, publishing, drafts),
    ...createSubscriberService(ports),
    ...createMaintenanceService(ports),
    ...createCustomerService(ports, publishing),
    ...createBriefingService(ports),
  };
}

export type StatusModule = ReturnType<typeof createStatusModule>;

/** The status page's side of publishing an advisory: built before disclosure, which needs it. */
export { createAdvisoryEntries } from './advisory-entry-service.ts';
export type {
  AdvisoryEntries,
  AdvisoryEntry,
  AdvisoryEntryPorts,
} from './advisory-entry-service.ts';

export type {
  IncidentChanges,
  PublicIncident,
  PublicPage,
  ShownComponent,
} from './status-service.ts';
export type {
  StaffIncidentView,
  StatusClocks,
  StatusIncidentLinks,
  StatusModulePorts,
} from './publishing.ts';
export type {
  CustomerPageNotice,
  MaintenancePageNotice,
  StatusNotices,
  StatusPageNotice,
  StatusRecipient,
} from './subscriber-notices.ts';
export type { MaintenanceFilter } from './maintenance-repository.ts';
export type {
  MaintenanceState,
  MaintenanceUpdate,
  PublicMaintenance,
} from './maintenance-state.ts';
export type { MaintenanceUpdateInput, NewMaintenance } from './maintenance-rules.ts';
export type { StatusSubscriber } from './subscriber-service.ts';
export type { ApprovedDraft, DraftInput } from './draft-service.ts';
export type { FinalReportPosting } from './final-report-service.ts';
export type { DraftContent } from './draft-events.ts';
export type { DraftStage, StatusDraftState } from './draft-state.ts';
export type { StatusComponent, StatusUpdate, PublicIncidentState } from './status-state.ts';
export type { AffectedComponent } from './status-events.ts';
export type { NewComponent, NewPublicIncident, UpdateInput } from './status-rules.ts';
export type { CustomersNotified } from './customer-service.ts';
export type { StatusCustomerState } from './customer-state.ts';
export type { CustomerContact, CustomerFields } from './customer-events.ts';
export type { Stakeholder } from './briefing-service.ts';
export type { BriefingCase } from './briefing-rules.ts';
export type { ComponentDay, DayEvent } from './status-days.ts';
export { monthOf, monthRange, shiftMonth } from './status-days.ts';
