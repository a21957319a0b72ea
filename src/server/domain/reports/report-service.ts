// The reports subject's use cases in one service: intake (public), the reporter portal, and the
// staff side. createReportsService(deps) wires the three parts on the same narrowed deps.
import type { Executor } from '../../db/schema.ts';
import type { NoticeReader } from '../actor.ts';
import { findNoticeHeadline } from './access-service.ts';
import { recordReportClockEvents } from './clock-event-service.ts';
import { createReportsReader } from './reader-service.ts';
import type { ReportsDeps } from './report-context.ts';
import { createConversation } from './conversation-service.ts';
import { createIntake } from './intake-service.ts';
import { createPortal } from './portal-service.ts';
import { createTriage } from './triage-service.ts';

export function createReportsService(deps: ReportsDeps) {
  return {
    ...createIntake(deps),
    ...createPortal(deps),
    ...createTriage(deps),
    ...createConversation(deps),
    // Keys, links, verified flags, credits: reads that need only the database (reader-service.ts).
    ...createReportsReader(deps),
    /** Clock events (reminders, breach, escalations) on a report's stream; false: no report. */
    recordClockEvents: recordReportClockEvents,
    /** For notices about a report (deadlines): its key, and its summary if the reader may see it. */
    findNoticeHeadline: (tx: Executor, reportId: string, reader: NoticeReader | null) =>
      findNoticeHeadline(tx, deps.incidents, reportId, reader),
    policy: deps.policy,
    settings: deps.settings,
    now: () => deps.clock.now(),
  };
}

export type ReportsService = ReturnType<typeof createReportsService>;
