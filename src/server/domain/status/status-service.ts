// Status page use cases, one transaction each: load, let the rules decide, record the events (the
// projection writes the tables). Staff manage the components and publish public incidents; the
// public reads never carry the link to an internal incident.
import { lastEventPosition } from '../../db/event-store.ts';
import { inTransaction } from '../../db/transaction.ts';
import { AppError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import type { Actor } from '../actor.ts';
import type { ComponentStatus, IncidentImpact } from '../../../shared/domain/status.ts';
import type { ComponentFields } from './status-events.ts';
import { assertMayPublishAlone } from './draft-rules.ts';
import type { Publishing, StaffIncidentView, StatusModulePorts } from './publishing.ts';
import { appendToCatalogue, appendToPublicIncident } from './status-projection.ts';
import * as maintenances from './maintenance-repository.ts';
import { toPublicMaintenance, type PublicMaintenance } from './maintenance-state.ts';
import * as repo from './status-repository.ts';
import * as rules from './status-rules.ts';
import type { ComponentCatalogue, PublicIncidentState, StatusComponent } from './status-state.ts';
import { componentDays, dayOf, type ComponentDay } from './status-days.ts';

/** A public incident as anyone may read it: nothing of the internal incident, nor who wrote. */
export type PublicIncident = Omit<PublicIncidentState, 'internalIncidentId' | 'updates'> & {
  updates: Omit<PublicIncidentState['updates'][number], 'createdBy'>[];
};

/** A component with what the page shows for it now. */
export interface ShownComponent extends StatusComponent {
  shownStatus: ComponentStatus;
}

export interface PublicPage {
  components: ShownComponent[];
  overall: { indicator: IncidentImpact; description: string };
  unresolved: PublicIncident[];
  /** Scheduled maintenance going on now, then upcoming, soonest first. */
  maintenances: PublicMaintenance[];
  /**
   * The latest change to the page: a component added, changed or removed, a public incident
   * opened, updated or resolved; when there was none, the time the page came into being.
   */
  updatedAt: number;
}

export interface IncidentChanges {
  name?: string | undefined;
  impact?: IncidentImpact | undefined;
  /** An internal incident's key or id; null unlinks. */
  internalIncident?: string | null | undefined;
}

export function toPublicIncident(state: PublicIncidentState): PublicIncident {
  const { internalIncidentId: _, updates, ...rest } = state;
  return { ...rest, updates: updates.map(({ createdBy: __, ...u }) => u) };
}

export function createStatusService(ports: StatusModulePorts, publishing: Publishing) {
  const { db, clock } = ports;
  /** The page's creation time, once known (it does not change). */
  let pageCreatedAt: number | undefined;
  const { loadIncident, linkTarget, fourEyesFacts, staffView } = publishing;
  const rulesInForce = () => ports.policy().communications.publishing;

  function checkVersion(state: PublicIncidentState, expected: number | undefined) {
    if (expected !== undefined && expected !== state.version) {
      throw new AppError(
        'CONFLICT',
        'This public incident was changed by someone else since you loaded it; reload and try again',
        { expectedVersion: expected, currentVersion: state.version },
      );
    }
  }

  async function changeCatalogue(
    actor: Actor,
    decide: (catalogue: ComponentCatalogue) => ReturnType<typeof rules.addComponent>,
  ): Promise<ComponentCatalogue> {
    return inTransaction(db, async (tx) => {
      const catalogue = await repo.loadCatalogue(tx);
      return appendToCatalogue(tx, catalogue, decide(catalogue), actor.userId, clock.now());
    });
  }

  const componentIn = (catalogue: ComponentCatalogue, id: string) => {
    const found = catalogue.components.find((c) => c.id === id);
    if (!found) throw new AppError('NOT_FOUND', 'Component was not found');
    return found;
  };

  return {
    async listComponents(): Promise<ShownComponent[]> {
      return (await this.readPage()).components;
    },

    async addComponent(actor: Actor, input: rules.NewComponent): Promise<StatusComponent> {
      const id = newId();
      const after = await changeCatalogue(actor, (c) => rules.addComponent(c, input, id));
      return componentIn(after, id);
    },

    async changeComponent(
      actor: Actor,
      id: string,
      changes: Partial<ComponentFields> & { status?: ComponentStatus | undefined },
    ): Promise<StatusComponent> {
      const { status, ...fields } = changes;
      const after = await changeCatalogue(actor, (c) => {
        const events = rules.changeComponent(c, id, fields);
        return status === undefined
          ? events
          : [...events, ...rules.setComponentStatus(c, id, status)];
      });
      return componentIn(after, id);
    },

    async removeComponent(actor: Actor, id: string): Promise<void> {
      await changeCatalogue(actor, (c) => rules.removeComponent(c, id));
    },

    async openIncident(
      actor: Actor,
      input: rules.NewPublicIncident & { internalIncident: string | null },
    ): Promise<StaffIncidentView> {
      const id = newId();
      return inTransaction(db, async (tx) => {
        const now = clock.now();
        const target = await linkTarget(tx, actor, input.internalIncident);
        const facts = await fourEyesFacts(tx, actor, target?.id ?? null, input.impact);
        assertMayPublishAlone(rulesInForce(), facts);
        const state = await publishing.publishNew(tx, actor, id, input, target, now);
        return staffView(tx, actor, state);
      });
    },

    async publishUpdate(
      actor: Actor,
      id: string,
      input: rules.UpdateInput,
      expectedVersion?: number,
    ): Promise<StaffIncidentView> {
      return inTransaction(db, async (tx) => {
        const now = clock.now();
        const state = await loadIncident(tx, id);
        checkVersion(state, expectedVersion);
        const facts = await fourEyesFacts(tx, actor, state.internalIncidentId, state.impact);
        assertMayPublishAlone(rulesInForce(), facts);
        const after = await publishing.publishOn(tx, actor, state, {}, input, now);
        return staffView(tx, actor, after);
      });
    },

    async changeIncident(
      actor: Actor,
      id: string,
      changes: IncidentChanges,
      expectedVersion?: number,
    ): Promise<StaffIncidentView> {
      return inTransaction(db, async (tx) => {
        const now = clock.now();
        const state = await loadIncident(tx, id);
        checkVersion(state, expectedVersion);
        const events = rules.changePublicIncident(state, changes);
        if (events.length > 0) {
          // A new name or impact is published text: four-eyes before and after the change.
          const impact = changes.impact ?? state.impact;
          assertMayPublishAlone(
            rulesInForce(),
            await fourEyesFacts(tx, actor, state.internalIncidentId, state.impact),
            await fourEyesFacts(tx, actor, state.internalIncidentId, impact),
          );
        }
        if (changes.internalIncident !== undefined) {
          const target = await linkTarget(tx, actor, changes.internalIncident);
          // Only someone who may see the incident linked now may change the link.
          const current = await staffView(tx, actor, state);
          if (state.internalIncidentId !== null && current.internalIncident === null) {
            throw new AppError(
              'FORBIDDEN',
              'This public incident speaks for an internal incident you may not see',
            );
          }
          events.push(...rules.linkInternalIncident(state, target));
        }
        const after = await appendToPublicIncident(tx, id, state, events, actor.userId, now);
        return staffView(tx, actor, after);
      });
    },

    async getIncident(actor: Actor, id: string): Promise<StaffIncidentView> {
      return staffView(db, actor, await loadIncident(db, id));
    },

    async listIncidents(actor: Actor, limit: number): Promise<StaffIncidentView[]> {
      const states = await repo.listPublicIncidents(db, { limit });
      return Promise.all(states.map((s) => staffView(db, actor, s)));
    },

    /** What the public page shows now: components, overall status and unresolved incidents. */
    async readPage(): Promise<PublicPage> {
      const [catalogue, statuses, unresolved, lastChange, active, upcoming] = await Promise.all([
        repo.loadCatalogue(db),
        repo.listUnresolvedComponentStatuses(db),
        repo.listPublicIncidents(db, { unresolvedOnly: true, limit: 100 }),
        repo.lastPageChange(db),
        maintenances.listMaintenances(db, 'active', 50),
        maintenances.listMaintenances(db, 'upcoming', 50),
      ]);
      const shown = rules.pageStatuses(catalogue.components, statuses);
      const components = catalogue.components.map((c) => ({
        ...c,
        shownStatus: shown.get(c.id)!,
      }));
      const updatedAt = lastChange ?? (pageCreatedAt ??= await ports.pageCreatedAt());
      const leaves = new Map(
        [...shown].filter(([id]) => !catalogue.components.find((c) => c.id === id)?.isGroup),
      );
      return {
        components,
        overall: rules.overallStatus(
          leaves,
          unresolved.map((i) => i.impact),
        ),
        unresolved: unresolved.map(toPublicIncident),
        maintenances: [...active, ...upcoming].map(toPublicMaintenance),
        updatedAt,
      };
    },

    /** The newest position of the event log: every change to the page moves it. */
    pageVersion: (): Promise<number> => lastEventPosition(db),

    /** The most recent public incidents, resolved ones included, newest first. */
    async listPublicIncidents(limit: number): Promise<PublicIncident[]> {
      return (await repo.listPublicIncidents(db, { limit })).map(toPublicIncident);
    },

    /**
     * The day bars of the last `days` UTC days (today's included): each component's worst status
     * per day and what caused it, from the public incidents and maintenance of those days.
     */
    async readDays(days: number): Promise<{ now: number; days: Map<string, ComponentDay[]> }> {
      const now = clock.now();
      const from = (dayOf(now) - days + 1) * 86_400_000;
      const [catalogue, incidents, all] = await Promise.all([
        repo.loadCatalogue(db),
        repo.listPublicIncidents(db, { openFrom: from, startedBefore: now + 1, limit: 1000 }),
        maintenances.listMaintenances(db, 'all', 500),
      ]);
      const shown = all.filter((m) => m.scheduledUntil >= from);
      const bars = new Map<string, ComponentDay[]>();
      for (const c of catalogue.components) {
        const ids = new Set([
          c.id,
          ...catalogue.components.filter((m) => m.groupId === c.id).map((m) => m.id),
        ]);
        bars.set(c.id, componentDays(ids, incidents, shown, now, days));
      }
      return { now, days: bars };
    },

    /** The public incidents that began in [from, to), newest first (the history by month). */
    async listPublicIncidentsBetween(from: number, to: number): Promise<PublicIncident[]> {
      return (
        await repo.listPublicIncidents(db, { startedFrom: from, startedBefore: to, limit: 500 })
      ).map(toPublicIncident);
    },

    /** One public incident as anyone may read it; NOT_FOUND when there is none. */
    async getPublicIncident(id: string): Promise<PublicIncident> {
      return toPublicIncident(await loadIncident(db, id));
    },
  };
}
