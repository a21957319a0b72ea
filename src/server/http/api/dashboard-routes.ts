// GET /api/v1/dashboard: the console's first page in one request instead of a session call then
// ten lists. Each part is its own route's answer for this caller, made by the same function (so
// restricted incidents, deadlines and tasks stay hidden exactly as there), and null when the
// caller lacks that route's permission; the console's index.html preloads it.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { Dashboard } from '../../../shared/api/dashboard.ts';
import { DASHBOARD_QUERIES } from '../../../shared/domain/dashboard.ts';
import { DeadlineQuery } from '../../../shared/api/deadlines.ts';
import { ListIncidentsQuery } from '../../../shared/api/incidents.ts';
import { ReportListQuery } from '../../../shared/api/reports.ts';
import { TaskListQuery } from '../../../shared/api/tasks.ts';
import type { Permission } from '../../../shared/domain/permissions.ts';
import type { Clock } from '../../clock.ts';
import type { AccountsModule } from '../../domain/accounts/index.ts';
import { can, type Actor } from '../../domain/actor.ts';
import type { ClocksModule } from '../../domain/clocks/index.ts';
import type { IncidentsModule } from '../../domain/incidents/index.ts';
import type { NotificationsModule } from '../../domain/notifications/index.ts';
import type { PolicyService } from '../../domain/policy/index.ts';
import type { ReportsModule } from '../../domain/reports/index.ts';
import { listDeadlinesAnswer } from './deadlines-routes.ts';
import { listIncidentsAnswer, listTasksAnswer } from './incidents-routes.ts';
import { presentPage } from './notification-presenters.ts';
import { presentPolicy } from './policy-presenter.ts';
import { reportQueueAnswer } from './report-routes.ts';
import { caller } from './session-routes.ts';
import { staffDirectory } from './staff-routes.ts';

export interface DashboardRouteServices {
  accounts: Pick<AccountsModule, 'sessions' | 'users'>;
  incidents: Pick<IncidentsModule, 'listIncidents' | 'listTasks' | 'listNextSteps'>;
  clocks: Pick<ClocksModule, 'list' | 'subjectKeys'>;
  reports: Pick<ReportsModule, 'listReportQueue'>;
  notifications: Pick<NotificationsModule, 'listOwnPages'>;
  policy: Pick<PolicyService, 'getInForce'>;
  clock: Clock;
}

export async function dashboardRoutes(app: FastifyInstance, opts: DashboardRouteServices) {
  const { accounts, incidents, clocks, reports, notifications, policy, clock } = opts;
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/v1/dashboard',
    {
      config: { permission: 'account.manage_own' },
      schema: {
        tags: ['session'],
        summary:
          "The console's dashboard in one answer: the session and each list it shows, as their own routes answer the caller",
        description:
          '`session` is what `GET /api/v1/session` answers. Each other part is what its own route ' +
          'answers this caller for the query the dashboard asks (`policy`: `GET /api/v1/policy`; ' +
          '`staff`: `GET /api/v1/staff`; `openIncidents`: `GET /api/v1/incidents?open=true&limit=500` ' +
          '(more pages when `total` is larger); `nextSteps`: `GET /api/v1/next-steps`; `myTasks`: ' +
          '`GET /api/v1/tasks?assignee=me`; `nextDeadlines`, `breachedDeadlines`, `dueSoonDeadlines`: ' +
          '`GET /api/v1/deadlines?state=next&limit=500`, `?state=breached&limit=50`, ' +
          '`?state=due_soon&withinMinutes=240&limit=50`; `reportsAwaiting`: ' +
          '`GET /api/v1/reports?status=received&limit=50`; `pages`: `GET /api/v1/me/pages`), or ' +
          "null when the caller lacks that route's permission (`policy.read`, `incidents.read`, " +
          '`deadlines.read`, `reports.read`). Restricted incidents, and their tasks and deadlines, ' +
          'appear only for their participants, as on those routes.',
        response: { 200: Dashboard },
      },
    },
    async (request): Promise<Dashboard> => {
      const { actor, credentials } = caller(request);
      const now = clock.now();
      const when = <T>(permission: Permission, part: (actor: Actor) => Promise<T> | T) =>
        can(actor, permission) ? part(actor) : null;
      const deadlines = (query: keyof typeof DASHBOARD_QUERIES) =>
        when('deadlines.read', (a) =>
          listDeadlinesAnswer(clocks, a, DeadlineQuery.parse(DASHBOARD_QUERIES[query]), now),
        );
      // One after another: on SQLite the reads share one connection anyway.
      const session = accounts.sessions.describe(credentials.user, actor, credentials.sessionId);
      return {
        session,
        policy: await when('policy.read', () => presentPolicy(policy.getInForce())),
        staff: await when('incidents.read', () => staffDirectory(accounts.users, now)),
        openIncidents: await when('incidents.read', (a) =>
          listIncidentsAnswer(
            incidents,
            a,
            ListIncidentsQuery.parse(DASHBOARD_QUERIES.openIncidents),
          ),
        ),
        nextSteps: await when('incidents.read', async (a) => ({
          items: await incidents.listNextSteps(a),
        })),
        myTasks: await when('incidents.read', (a) =>
          listTasksAnswer(incidents, a, TaskListQuery.parse(DASHBOARD_QUERIES.myTasks)),
        ),
        nextDeadlines: await deadlines('nextDeadlines'),
        breachedDeadlines: await deadlines('breachedDeadlines'),
        dueSoonDeadlines: await deadlines('dueSoonDeadlines'),
        reportsAwaiting: await when('reports.read', (a) =>
          reportQueueAnswer(reports, a, ReportListQuery.parse(DASHBOARD_QUERIES.reportsAwaiting)),
        ),
        pages: (await notifications.listOwnPages(actor)).map(presentPage),
      };
    },
  );
}
