// Routes of the console. Pages for reports, incidents and administration live in their own
// folders under pages/; each is reachable only when signed in.
import { Route, Routes } from 'react-router';
import { CONSOLE_ROUTES as ROUTES } from '../shared/domain/console-paths.ts';
import { Layout } from './layout.tsx';
import { AccountPage, MfaEnrolmentPage } from './pages/account.tsx';
import { DashboardPage } from './pages/dashboard.tsx';
import { DeadlinesPage } from './pages/deadlines.tsx';
import { AdminRoute, PolicyRoute, TokensRoute } from './pages/admin/routes.tsx';
import { NotFoundPage } from './pages/not-found.tsx';
import { SignInPage } from './pages/sign-in.tsx';
import { RequireSession } from './session.tsx';
import { onDemand } from './components/on-demand.tsx';

// The report and incident pages load on first visit (their own script files): the dashboard,
// which responders open first, does not wait for them.
const ReportsQueuePage = onDemand(
  async () => (await import('./pages/reports/queue.tsx')).ReportsQueuePage,
  'reports',
);
const ReportPage = onDemand(
  async () => (await import('./pages/reports/report.tsx')).ReportPage,
  'the report',
);
const IncidentsPage = onDemand(
  async () => (await import('./pages/incidents/incidents-list.tsx')).IncidentsPage,
  'incidents',
);
const IncidentPage = onDemand(
  async () => (await import('./pages/incidents/incident-page.tsx')).IncidentPage,
  'the incident',
);

const AlertQueuePage = onDemand(
  async () => (await import('./pages/alerts/alert-queue.tsx')).AlertQueuePage,
  'alerts',
);

const BreachRegisterPage = onDemand(
  async () => (await import('./pages/breaches/register.tsx')).BreachRegisterPage,
  'the breach register',
);

const ExercisesPage = onDemand(
  async () => (await import('./pages/exercises.tsx')).ExercisesPage,
  'exercises and reviews',
);

const FollowUpsPage = onDemand(
  async () => (await import('./pages/follow-ups.tsx')).FollowUpsPage,
  'follow-ups',
);

const OnCallPage = onDemand(
  async () => (await import('./pages/on-call.tsx')).OnCallPage,
  'on call',
);

const StatusPagePage = onDemand(
  async () => (await import('./pages/status-page.tsx')).StatusPagePage,
  'the status page',
);

const StatusPublishingPage = onDemand(
  async () => (await import('./pages/status-publishing.tsx')).StatusPublishingPage,
  'components, incidents and drafts',
);

const StatusCustomersPage = onDemand(
  async () => (await import('./pages/status-customers.tsx')).StatusCustomersPage,
  'customers and stakeholders',
);

const VulnerabilitiesPage = onDemand(
  async () => (await import('./pages/vulnerabilities/vulnerability-list.tsx')).VulnerabilitiesPage,
  'vulnerabilities',
);

const VulnerabilityPage = onDemand(
  async () => (await import('./pages/vulnerabilities/vulnerability-page.tsx')).VulnerabilityPage,
  'the vulnerability',
);

export function App() {
  return (
    <Routes>
      <Route path={ROUTES.signIn} element={<SignInPage />} />
      <Route
        element={
          <RequireSession>
            <Layout />
          </RequireSession>
        }
      >
        <Route index element={<DashboardPage />} />
        <Route path={ROUTES.deadlines} element={<DeadlinesPage />} />
        <Route path={ROUTES.reports} element={<ReportsQueuePage />} />
        <Route path={ROUTES.report} element={<ReportPage />} />
        <Route path={ROUTES.alerts} element={<AlertQueuePage />} />
        <Route path={ROUTES.incidents} element={<IncidentsPage />} />
        <Route path={ROUTES.incident} element={<IncidentPage />} />
        <Route path={ROUTES.account} element={<AccountPage />} />
        <Route path={ROUTES.mfa} element={<MfaEnrolmentPage />} />
        <Route path={ROUTES.tokens} element={<TokensRoute />} />
        <Route path={ROUTES.admin} element={<AdminRoute />} />
        <Route path={ROUTES.policy} element={<PolicyRoute />} />
        <Route path={ROUTES.breaches} element={<BreachRegisterPage />} />
        <Route path={ROUTES.exercises} element={<ExercisesPage />} />
        <Route path={ROUTES.followUps} element={<FollowUpsPage />} />
        <Route path={ROUTES.onCall} element={<OnCallPage />} />
        <Route path={ROUTES.statusPage} element={<StatusPagePage />} />
        <Route path={ROUTES.statusPublishing} element={<StatusPublishingPage />} />
        <Route path={ROUTES.statusCustomers} element={<StatusCustomersPage />} />
        <Route path={ROUTES.vulnerabilities} element={<VulnerabilitiesPage />} />
        <Route path={ROUTES.vulnerability} element={<VulnerabilityPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
