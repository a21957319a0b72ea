// The frame of every signed-in page: skip link, navigation, the line banner, live status.
import { useQueryClient } from '@tanstack/react-query';
import { useRef } from 'react';
import { NavLink, Outlet, useNavigate } from 'react-router';
import { del } from './api.ts';
import { Time } from './components/common.tsx';
import { CommandPalette } from './components/command-palette.tsx';
import { useFocusHeadingOnNavigate } from './components/focus.ts';
import { useLiveUpdates } from './live.ts';
import { ADMIN_PERMISSIONS } from './pages/admin/routes.tsx';
import { useLine } from './queries.ts';
import { useCan, useSession } from './session.tsx';
import { consolePath } from '../shared/domain/console-paths.ts';

export function LineBanner() {
  const line = useLine();
  if (!line.data) return null;
  if (line.data.state === 'running')
    return (
      <div className="line line-running" role="status" data-testid="line-banner">
        <span aria-hidden="true">●</span> The line is running: releases may ship.
      </div>
    );
  return (
    <div className="line line-stopped" role="alert" data-testid="line-banner">
      <strong>
        <span aria-hidden="true">■</span> The line is stopped
      </strong>{' '}
      since <Time value={line.data.since} /> — do not ship until it resumes. Held by{' '}
      {line.data.incidents.map((i, n) => (
        <span key={i.key}>
          {n > 0 ? ', ' : ''}
          <NavLink to={consolePath.incident(i.key)}>
            {i.key}
            {i.severity ? ` (${i.severity})` : ''}: {i.title}
          </NavLink>
        </span>
      ))}
      .
    </div>
  );
}

export function Layout() {
  const session = useSession();
  const can = useCan();
  const live = useLiveUpdates();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  useFocusHeadingOnNavigate();

  async function signOut() {
    try {
      await del('/session');
    } finally {
      queryClient.clear();
      navigate('/sign-in', { replace: true });
    }
  }

  const links: [string, string, string | string[]][] = [
    ['/', 'Dashboard', 'incidents.read'],
    ['/reports', 'Reports', 'reports.read'],
    ['/alerts', 'Alerts', 'alerts.read'],
    ['/incidents', 'Incidents', 'incidents.read'],
    ['/deadlines', 'Deadlines', 'deadlines.read'],
    ['/on-call', 'On call', 'oncall.read'],
    ['/breaches', 'Breaches', 'breach.read'],
    ['/vulnerabilities', 'Vulnerabilities', 'disclosure.read'],
    ['/exercises', 'Exercises & reviews', 'learning.read'],
    ['/follow-ups', 'Follow-ups', 'learning.read'],
    ['/status-page', 'Status page', 'status.read'],
    ['/policy', 'Policy', 'policy.read'],
    ['/admin', 'Admin', ADMIN_PERMISSIONS],
  ];
  const pages = links
    .filter(([, , permission]) => [permission].flat().some(can))
    .map(([to, label]) => ({ to, label }));
  const palette = useRef<() => void>(() => {});
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="top">
        <NavLink to="/" className="brand">
          Stopline
        </NavLink>
        <nav aria-label="Main">
          <ul>
            {pages.map(({ to, label }) => (
              <li key={to}>
                <NavLink to={to} end={to === '/'}>
                  {label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="me">
          <span className={`live live-${live}`} title="Live updates" data-testid="live-state">
            {live === 'live' ? 'Live' : live === 'connecting' ? 'Connecting…' : 'Offline'}
          </span>
          <button
            type="button"
            className="link"
            aria-keyshortcuts="Control+K Meta+K"
            onClick={() => palette.current()}
          >
            Commands <kbd>Ctrl-K</kbd>
          </button>
          <NavLink to="/account">{session.user.displayName}</NavLink>
          <button type="button" className="link" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <LineBanner />
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
      <CommandPalette pages={pages} openRef={palette} />
    </>
  );
}
