// GET /api/v1/dashboard: the console's first page in one answer: who is signed in (as GET
// /api/v1/session answers it) and each list the dashboard shows, each exactly as its own route
// answers this caller, or null when the caller lacks that route's permission.
import { z } from 'zod';
import { SessionView } from './accounts.ts';
import { DeadlineList } from './deadlines.ts';
import { IncidentList, NextStepList } from './incidents.ts';
import { PageView } from './notifications.ts';
import { PolicyResponse } from './policy.ts';
import { ReportQueue } from './reports.ts';
import { StaffDirectory } from './staff.ts';
import { TaskList } from './tasks.ts';

export const Dashboard = z.object({
  session: SessionView,
  /** GET /api/v1/policy (policy.read). */
  policy: PolicyResponse.nullable(),
  /** GET /api/v1/staff (incidents.read). */
  staff: StaffDirectory.nullable(),
  /** incidents.read */
  openIncidents: IncidentList.nullable(),
  /** GET /api/v1/next-steps, "Needs you" (incidents.read). */
  nextSteps: NextStepList.nullable(),
  /** incidents.read */
  myTasks: TaskList.nullable(),
  /** deadlines.read */
  nextDeadlines: DeadlineList.nullable(),
  breachedDeadlines: DeadlineList.nullable(),
  dueSoonDeadlines: DeadlineList.nullable(),
  /** reports.read */
  reportsAwaiting: ReportQueue.nullable(),
  /** GET /api/v1/me/pages: pages that reached the caller. */
  pages: z.array(PageView),
});
export type Dashboard = z.infer<typeof Dashboard>;
