// The offline copy (issue 19, item 6, Kai section 7): the policy in force, its runbooks (the
// manual fallback procedures and containment kinds) and the on-call contact tree (who to call, in
// escalation order, with their contact channels) as one static HTML file, for when Stopline itself
// is the thing that is down. Its content hash is its ETag: the copy changes when the policy, a
// schedule, who is on call, a person's contacts or an open incident's owner changes, and only then.
import { createHash } from 'node:crypto';
import type { Clock } from '../../clock.ts';
import { requirePermission, type Actor } from '../actor.ts';
import type { ActiveUser } from '../accounts/index.ts';
import type { ScheduleOverview } from '../oncall/index.ts';
import type { Policy } from '../policy/index.ts';
import {
  GENERATED_AT_MARK,
  renderOfflineCopy,
  type OfflineCopyContent,
  type OpenIncidentLine,
} from './offline-copy-html.ts';

export interface ContinuityPorts {
  clock: Clock;
  /** The policy in force. */
  policy: () => Policy;
  schedules: { listOverviews(): Promise<ScheduleOverview[]> };
  /** Active staff with their roles and contact channels. */
  staff: { listActive(): Promise<ActiveUser[]> };
  /** Open incidents (the copy leaves out exercises and restricted ones itself). */
  incidents: { listOpen(): Promise<OpenIncidentLine[]> };
}

export interface OfflineCopy {
  html: string;
  /** A strong ETag over the content (not the "generated at" stamp). */
  etag: string;
  generatedAt: number;
}

export function createOfflineCopyService(ports: ContinuityPorts) {
  return {
    /**
     * The offline copy as of now. It holds staff contact channels (personal data), so it needs
     * `continuity.offline`; exercises and restricted incidents are never in it.
     */
    async offlineCopyAs(actor: Actor): Promise<OfflineCopy> {
      requirePermission(actor, 'continuity.offline', 'Downloading the offline copy');
      const [schedules, staff, incidents] = await Promise.all([
        ports.schedules.listOverviews(),
        ports.staff.listActive(),
        ports.incidents.listOpen(),
      ]);
      const generatedAt = ports.clock.now();
      const content: OfflineCopyContent = {
        policy: ports.policy(),
        schedules,
        staff,
        incidents: incidents.filter((i) => !i.exercise && !i.restricted),
      };
      const page = renderOfflineCopy(content);
      const etag = `"${createHash('sha256').update(page).digest('base64url')}"`;
      const stamp = new Date(generatedAt).toISOString().replace(/\.\d{3}Z$/, 'Z');
      return { html: page.replace(GENERATED_AT_MARK, stamp), etag, generatedAt };
    },
  };
}

export type OfflineCopyService = ReturnType<typeof createOfflineCopyService>;
