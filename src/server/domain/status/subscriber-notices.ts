// A published update to the status page's subscribers: the port the status subject declares for
// notifications (the one writer of the outbox), and the step every way of publishing takes in its
// transaction: the confirmed subscribers the update concerns, each with their manage token.
import { createHash } from 'node:crypto';
import type { Executor } from '../../db/schema.ts';
import * as repo from './status-repository.ts';
import type { PublicIncidentState, StatusUpdate } from './status-state.ts';
import * as subscribers from './subscriber-repository.ts';
import * as rules from './subscriber-rules.ts';

export const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');

/** A published update as the status page's subscribers hear it. */
export interface StatusPageNotice {
  pageName: string;
  incident: Pick<PublicIncidentState, 'id' | 'name' | 'impact' | 'status'>;
  update: Pick<StatusUpdate, 'id' | 'status' | 'body' | 'displayAt' | 'affectedComponents'>;
  at: number;
}

/**
 * What the status page needs of notifications (the one writer of the outbox): the confirmation
 * link to an address that subscribed, and a published update to the confirmed subscribers it
 * concerns (and to the endpoints subscribed to status updates).
 */
export interface StatusNotices {
  confirmSubscription(
    tx: Executor,
    confirmation: {
      pageName: string;
      subscriberId: string;
      address: string;
      confirmToken: string;
      expiresAt: number;
      at: number;
    },
  ): Promise<void>;
  tellStatusSubscribers(
    tx: Executor,
    notice: StatusPageNotice,
    recipients: readonly { subscriberId: string; address: string; token: string }[],
  ): Promise<void>;
}

/**
 * The update just published on `state` goes to the confirmed subscribers it concerns and the
 * subscribed endpoints, in the publishing transaction (only published text gets here: a draft
 * reaches nobody until it is approved).
 */
export async function tellSubscribers(
  tx: Executor,
  ports: {
    notices: StatusNotices;
    subscriberTokens: { tokenFor(subscriberId: string): string };
    pageName: string;
  },
  state: PublicIncidentState,
  now: number,
): Promise<void> {
  const update = state.updates[state.updates.length - 1];
  if (!update) return;
  const [catalogue, confirmed] = await Promise.all([
    repo.loadCatalogue(tx),
    subscribers.listSubscribers(tx, { confirmedOnly: true }),
  ]);
  const affected = [
    ...state.components.map((c) => c.componentId),
    ...update.affectedComponents.map((c) => c.componentId),
  ];
  const recipients = confirmed
    .filter((s) => rules.concerns(s.componentIds, affected, catalogue.components))
    .map((s) => ({
      subscriberId: s.id,
      address: s.email,
      token: ports.subscriberTokens.tokenFor(s.id),
    }));
  await ports.notices.tellStatusSubscribers(
    tx,
    {
      pageName: ports.pageName,
      incident: { id: state.id, name: state.name, impact: state.impact, status: state.status },
      update: {
        id: update.id,
        status: update.status,
        body: update.body,
        displayAt: update.displayAt,
        affectedComponents: update.affectedComponents,
      },
      at: now,
    },
    recipients,
  );
}
