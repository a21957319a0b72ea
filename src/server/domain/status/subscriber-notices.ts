// A published update to the status page's subscribers: the port the status subject declares for
// notifications (the one writer of the outbox), and the step every way of publishing takes in its
// transaction: the confirmed subscribers the update concerns, each with their manage token.
import { createHash } from 'node:crypto';
import type { Executor } from '../../db/schema.ts';
import type { StaffNotice } from '../notifications/index.ts';
import * as repo from './status-repository.ts';
import type { MaintenanceEvent } from './maintenance-events.ts';
import type { MaintenanceState, MaintenanceUpdate } from './maintenance-state.ts';
import type { PublicIncidentState, StatusComponent, StatusUpdate } from './status-state.ts';
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

/** A scheduled maintenance as its subscribers hear of it: announced, soon, or updated. */
export interface MaintenancePageNotice {
  pageName: string;
  maintenance: Pick<
    MaintenanceState,
    'id' | 'name' | 'status' | 'scheduledFor' | 'scheduledUntil'
  > & { components: { componentId: string; name: string }[] };
  /**
   * scheduled: just announced; reminder: the window opens soon; updated: a later update;
   * rescheduled: the window moved; cancelled: called off (only to whom it was announced).
   */
  kind: 'scheduled' | 'reminder' | 'updated' | 'rescheduled' | 'cancelled';
  /** The update published; null for the reminder. */
  update: Pick<MaintenanceUpdate, 'id' | 'status' | 'body'> | null;
  at: number;
}

/** A published update to the contacts of one customer that uses an affected component. */
export interface CustomerPageNotice {
  notice: StatusPageNotice;
  customer: { id: string; name: string; components: string[] };
  contacts: readonly { name: string; email: string }[];
}

export interface StatusRecipient {
  subscriberId: string;
  address: string;
  token: string;
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
    recipients: readonly StatusRecipient[],
  ): Promise<void>;
  /** A scheduled maintenance, to the confirmed subscribers it concerns and the endpoints
   * subscribed to status.maintenance_updated. */
  tellMaintenanceSubscribers(
    tx: Executor,
    notice: MaintenancePageNotice,
    recipients: readonly StatusRecipient[],
  ): Promise<void>;
  /** An internal briefing to the stakeholders named, on each one's own channels (their
   * preferences and quiet hours); an exercise's reaches its participants only. */
  briefStakeholders(tx: Executor, notice: StaffNotice): Promise<void>;
  /** A published update to a customer's contacts; answers the exact subject and text sent, or
   * null when nothing may go out (the internal incident it speaks for is an exercise). */
  tellCustomer(
    tx: Executor,
    notice: CustomerPageNotice,
    internalIncidentId: string | null,
  ): Promise<{ subject: string; text: string } | null>;
}

interface SubscriberPorts {
  notices: StatusNotices;
  subscriberTokens: { tokenFor(subscriberId: string): string };
  pageName: string;
}

/** The confirmed subscribers who follow one of `affected` (or everything), with their tokens. */
async function recipientsFor(
  tx: Executor,
  ports: SubscriberPorts,
  components: readonly StatusComponent[],
  affected: readonly string[],
): Promise<StatusRecipient[]> {
  const confirmed = await subscribers.listSubscribers(tx, { confirmedOnly: true });
  return confirmed
    .filter((s) => rules.concerns(s.componentIds, affected, components))
    .map((s) => ({
      subscriberId: s.id,
      address: s.email,
      token: ports.subscriberTokens.tokenFor(s.id),
    }));
}

/**
 * The update just published on `state` goes to the confirmed subscribers it concerns and the
 * subscribed endpoints, in the publishing transaction (only published text gets here: a draft
 * reaches nobody until it is approved).
 */
export async function tellSubscribers(
  tx: Executor,
  ports: SubscriberPorts,
  state: PublicIncidentState,
  now: number,
): Promise<void> {
  const update = state.updates[state.updates.length - 1];
  if (!update) return;
  const catalogue = await repo.loadCatalogue(tx);
  const affected = [
    ...state.components.map((c) => c.componentId),
    ...update.affectedComponents.map((c) => c.componentId),
  ];
  const recipients = await recipientsFor(tx, ports, catalogue.components, affected);
  await ports.notices.tellStatusSubscribers(
    tx,
    latestUpdateNotice(ports.pageName, state, update, now),
    recipients,
  );
}

/** The update `update` of `state` as a notice says it. */
export function latestUpdateNotice(
  pageName: string,
  state: PublicIncidentState,
  update: StatusUpdate,
  now: number,
): StatusPageNotice {
  return {
    pageName,
    incident: { id: state.id, name: state.name, impact: state.impact, status: state.status },
    update: {
      id: update.id,
      status: update.status,
      body: update.body,
      displayAt: update.displayAt,
      affectedComponents: update.affectedComponents,
    },
    at: now,
  };
}

const KIND_OF = {
  'status.maintenance_scheduled': 'scheduled',
  'status.maintenance_updated': 'updated',
  'status.maintenance_rescheduled': 'rescheduled',
  'status.maintenance_cancelled': 'cancelled',
} as const;

/**
 * What the events just recorded on a maintenance tell its subscribers, in the same transaction:
 * its announcement, the reminder before the window, and each later update (the scheduler's moves
 * too), to those who follow one of its components (or everything).
 */
export async function tellMaintenance(
  tx: Executor,
  ports: SubscriberPorts,
  before: MaintenanceState | null,
  after: MaintenanceState,
  events: readonly MaintenanceEvent[],
  now: number,
): Promise<void> {
  if (events.length === 0) return;
  const catalogue = await repo.loadCatalogue(tx);
  const recipients = await recipientsFor(tx, ports, catalogue.components, after.componentIds);
  const components = after.componentIds.map((componentId) => ({
    componentId,
    name: catalogue.components.find((c) => c.id === componentId)?.name ?? '(removed)',
  }));
  const newUpdates = after.updates.slice(before?.updates.length ?? 0);
  const base = {
    pageName: ports.pageName,
    maintenance: {
      id: after.id,
      name: after.name,
      scheduledFor: after.scheduledFor,
      scheduledUntil: after.scheduledUntil,
      components,
    },
    at: now,
  };
  for (const event of events) {
    if (event.type === 'status.maintenance_reminded') {
      const notice: MaintenancePageNotice = {
        ...base,
        maintenance: { ...base.maintenance, status: 'scheduled' },
        kind: 'reminder',
        update: null,
      };
      await ports.notices.tellMaintenanceSubscribers(tx, notice, recipients);
      continue;
    }
    const update = newUpdates.find((u) => u.id === event.data.updateId)!;
    await ports.notices.tellMaintenanceSubscribers(
      tx,
      {
        ...base,
        maintenance: { ...base.maintenance, status: update.status },
        kind: KIND_OF[event.type],
        update: { id: update.id, status: update.status, body: update.body },
      },
      recipients,
    );
  }
}
