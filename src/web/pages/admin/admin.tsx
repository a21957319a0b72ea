// The Admin section: a sub-navigation showing only what this user may use, and a plain "not
// allowed" page for everyone else (the server refuses the calls anyway).
import type { ReactNode } from 'react';
import { Link, NavLink, Navigate, Route, Routes } from 'react-router';
import { useCan } from '../../session.tsx';
import { NotFoundPage } from '../not-found.tsx';
import { AuditPage } from './audit.tsx';
import { OutboxPage } from './outbox.tsx';
import { ADMIN_PERMISSIONS } from './permissions.ts';
import { UsersPage } from './users.tsx';
import { WebhooksPage } from './webhooks.tsx';
import './admin.css';

const SECTIONS = [
  { path: 'users', label: 'Users and roles', permission: 'users.read', page: <UsersPage /> },
  { path: 'audit', label: 'Audit log', permission: 'audit.read', page: <AuditPage /> },
  { path: 'outbox', label: 'Outbox', permission: 'outbox.manage', page: <OutboxPage /> },
  { path: 'webhooks', label: 'Webhooks', permission: 'webhooks.manage', page: <WebhooksPage /> },
];

export function NotAllowed({ what }: { what: string }) {
  return (
    <section data-testid="not-allowed">
      <h1>Not allowed</h1>
      <p>
        Your roles do not allow you to see {what}. If you need it, ask an administrator.{' '}
        <Link to="/">Back to the dashboard</Link>.
      </p>
    </section>
  );
}

function Allowed({
  permission,
  what,
  children,
}: {
  permission: string;
  what: string;
  children: ReactNode;
}) {
  const can = useCan();
  return can(permission) ? children : <NotAllowed what={what} />;
}

export function AdminPage() {
  const can = useCan();
  if (!ADMIN_PERMISSIONS.some(can)) return <NotAllowed what="the administration pages" />;
  const sections = SECTIONS.filter((s) => can(s.permission));
  return (
    <div className="admin">
      <nav aria-label="Administration" className="subnav">
        <ul>
          {sections.map((s) => (
            <li key={s.path}>
              <NavLink to={`/admin/${s.path}`}>{s.label}</NavLink>
            </li>
          ))}
          <li>
            <NavLink to="/account/tokens">My API tokens</NavLink>
          </li>
          <li>
            <NavLink to="/policy">Policy</NavLink>
          </li>
        </ul>
      </nav>
      <Routes>
        <Route index element={<Navigate to={sections[0]!.path} replace />} />
        {SECTIONS.map((s) => (
          <Route
            key={s.path}
            path={s.path}
            element={
              <Allowed permission={s.permission} what={s.label.toLowerCase()}>
                {s.page}
              </Allowed>
            }
          />
        ))}
        <Route path="*" element={<NotFoundPage />} />
      </Routes>
    </div>
  );
}
