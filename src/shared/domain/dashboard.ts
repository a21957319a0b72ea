// The queries the console's dashboard asks of each list's route, and that GET /api/v1/dashboard
// answers in one go (shared/api/dashboard.ts): one definition, so the two cannot drift apart.
/** The queries of the parts, as the console asks each list's own route for it. */
export const DASHBOARD_QUERIES = {
  /** GET /api/v1/incidents: the first page of open incidents (`total` says if there are more). */
  openIncidents: { open: 'true', limit: 500, offset: 0 },
  /** GET /api/v1/deadlines: each open subject's next deadline, the breached and the due soon. */
  nextDeadlines: { state: 'next', limit: 500 },
  breachedDeadlines: { state: 'breached', limit: 50 },
  dueSoonDeadlines: { state: 'due_soon', withinMinutes: 240, limit: 50 },
  /** GET /api/v1/reports: reports still to acknowledge. */
  reportsAwaiting: { status: 'received', limit: 50 },
  /** GET /api/v1/tasks: the caller's open tasks. */
  myTasks: { assignee: 'me' },
} as const;

/**
 * Incident cards the dashboard shows at first, and how many more each "Show more" adds: its first
 * screen renders at once however many incidents are open (bench/dashboard.ts), the rest on request.
 */
export const DASHBOARD_FIRST_CARDS = 50;
