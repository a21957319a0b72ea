// Routes of the console. Pages for reports, incidents and administration live in their own
// folders under pages/; each is reachable only when signed in.
import { Route, Routes } from 'react-router';
import { Layout } from './layout.tsx';
import { MfaEnrolmentPage } from './pages/account.tsx';
import { DashboardPage } from './pages/dashboard.tsx';
import { DeadlinesPage } from './pages/deadlines.tsx';
import { IncidentPage } from './pages/incidents/incident-page.tsx';
import { IncidentsPage } from './pages/incidents/incidents-list.tsx';
import { NotFoundPage } from './pages/not-found.tsx';
import { SignInPage } from './pages/sign-in.tsx';
import { RequireSession } from './session.tsx';

export function App() {
  return (
    <Routes>
      <Route path="/sign-in" element={<SignInPage />} />
      <Route
        element={
          <RequireSession>
            <Layout />
          </RequireSession>
        }
      >
        <Route index element={<DashboardPage />} />
        <Route path="deadlines" element={<DeadlinesPage />} />
        <Route path="incidents" element={<IncidentsPage />} />
        <Route path="incidents/:key" element={<IncidentPage />} />
        <Route path="account" element={<MfaEnrolmentPage />} />
        <Route path="account/mfa" element={<MfaEnrolmentPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
