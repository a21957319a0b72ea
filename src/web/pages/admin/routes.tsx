// Entry points of the administration pages, the policy page and one's API tokens. Each is loaded
// on first visit, so the dashboard that responders open first does not carry them.
import { onDemand } from '../../components/on-demand.tsx';

export { ADMIN_PERMISSIONS } from './permissions.ts';

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
