// Entry points of the administration pages, the policy page and one's API tokens. Each is loaded
// on first visit, so the dashboard that responders open first does not carry them.
import { lazy, Suspense, type ComponentType } from 'react';
import { Loading } from '../../components/common.tsx';

export { ADMIN_PERMISSIONS } from './permissions.ts';

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
