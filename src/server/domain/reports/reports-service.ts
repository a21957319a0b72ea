// The reports subject's use cases in one service: intake (public), the reporter portal, and the
// staff side. createReportsService(deps) wires the three parts on the same narrowed deps.
import { listCreditedReporters } from './reports-repository.ts';
import type { ReportsDeps } from './reports-context.ts';
import { createConversation } from './reports-conversation.ts';
import { createIntake } from './reports-intake.ts';
import { createPortal } from './reports-portal.ts';
import { createTriage } from './reports-triage.ts';

export function createReportsService(deps: ReportsDeps) {
  return {
    ...createIntake(deps),
    ...createPortal(deps),
    ...createTriage(deps),
    ...createConversation(deps),
    /** Names of reporters who agreed to be credited, once their report is fixed. */
    listAcknowledgments: () => listCreditedReporters(deps.db),
    policy: deps.policy,
    settings: deps.settings,
    now: () => deps.clock.now(),
  };
}

export type ReportsService = ReturnType<typeof createReportsService>;
