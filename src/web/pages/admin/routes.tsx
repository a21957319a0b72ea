// Entry points of the administration pages, the policy page and one's API tokens. Each is loaded
// on first visit, so the dashboard that responders open first does not carry them.
import { lazy, Suspense, type ComponentType } from 'react';
import { Loading } from '../../components/common.tsx';

/** Holding any of these shows the Admin section; each sub-page checks its own. */
export const ADMIN_PERMISSIONS = ['users.read', 'audit.read', 'outbox.manage', 'webhooks.manage'];

function onDemand(load: () => Promise<ComponentType>, what: string) {
  const Page = lazy(async () => ({ default: await load() }));
  return function OnDemand() {
    return (
      <Suspense fallback={<Loading what={what} />}>
        <Page />
      </Suspense>
    );
  };
}

export const AdminRoute = onDemand(
  async () => (await import('./admin.tsx')).AdminPage,
  'administration',
);
export const PolicyRoute = onDemand(
  async () => (await import('./policy.tsx')).PolicyPage,
  'policy',
);
export const TokensRoute = onDemand(
  async () => (await import('./tokens.tsx')).TokensPage,
  'API tokens',
);
