// Scheduled maintenance use cases, one transaction each: staff announce a maintenance and publish
// updates on it; the scheduler moves each one at its window's edges and reminds its subscribers
// before it opens. Several instances may tick at once: each step is appended at the version the
// instance loaded, so only one of them records it (the others' appends are refused as stale, and
// they move on), and subscribers hear of it once.
import { inTransaction } from '../../db/transaction.ts';
import { AppError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import type { Actor } from '../actor.ts';
import * as maintenances from './maintenance-repository.ts';
import type { MaintenanceEvent } from './maintenance-events.ts';
import type { MaintenanceFilter } from './maintenance-repository.ts';
import { appendToMaintenance } from './maintenance-projection.ts';
import * as rules from './maintenance-rules.ts';
import {
  toPublicMaintenance,
  type MaintenanceState,
  type PublicMaintenance,
} from './maintenance-state.ts';
import type { StatusModulePorts } from './publishing.ts';
import * as repo from './status-repository.ts';
import { tellMaintenance } from './subscriber-notices.ts';

export function createMaintenanceService(ports: StatusModulePorts) {
  const { db, clock } = ports;
  const noticeBefore = () => ports.policy().communications.maintenance.noticeBefore;

  async function load(ex: Parameters<typeof maintenances.findMaintenance>[0], id: string) {
    const state = await maintenances.findMaintenance(ex, id);
    if (!state) throw new AppError('NOT_FOUND', 'Maintenance was not found');
    return state;
  }

  /** One maintenance's due steps at `now`, recorded and told; false when another instance did. */
  async function advance(id: string, now: number): Promise<boolean> {
    try {
      return await inTransaction(db, async (tx) => {
        const state = await load(tx, id);
        const events = rules.dueMaintenanceSteps(state, now, noticeBefore(), newId);
        if (events.length === 0) return false;
        const after = await appendToMaintenance(tx, id, state, events, null, now);
        await tellMaintenance(tx, ports, state, after, events, now);
        return true;
      });
    } catch (error) {
      // Another instance recorded the same step first: it is done, once.
      if (error instanceof AppError && error.code === 'CONFLICT') return false;
      throw error;
    }
  }

  /** A decision by staff on one maintenance, at the version they loaded; its subscribers told. */
  function decide(
    actor: Actor,
    id: string,
    expectedVersion: number | undefined,
    decision: (state: MaintenanceState, now: number) => MaintenanceEvent[],
  ): Promise<MaintenanceState> {
    return inTransaction(db, async (tx) => {
      const now = clock.now();
      const state = await load(tx, id);
      if (expectedVersion !== undefined && expectedVersion !== state.version) {
        throw new AppError(
          'CONFLICT',
          'This maintenance was changed since you loaded it; reload and try again',
          { expectedVersion, currentVersion: state.version },
        );
      }
      const events = decision(state, now);
      const after = await appendToMaintenance(tx, id, state, events, actor.userId, now);
      await tellMaintenance(tx, ports, state, after, events, now);
      return after;
    });
  }

  return {
    /** Staff (status.publish): announces a maintenance; its subscribers hear of it. */
    async scheduleMaintenance(
      actor: Actor,
      input: rules.NewMaintenance,
    ): Promise<MaintenanceState> {
      const id = newId();
      return inTransaction(db, async (tx) => {
        const now = clock.now();
        const catalogue = await repo.loadCatalogue(tx);
        const events = rules.scheduleMaintenance(catalogue.components, input, newId(), now);
        const after = await appendToMaintenance(tx, id, null, events, actor.userId, now);
        await tellMaintenance(tx, ports, null, after, events, now);
        return after;
      });
    },

    /** Staff (status.publish): a text on a maintenance, and optionally a move forward. */
    publishMaintenanceUpdate: (
      actor: Actor,
      id: string,
      input: rules.MaintenanceUpdateInput,
      expectedVersion?: number,
    ): Promise<MaintenanceState> =>
      decide(actor, id, expectedVersion, (state) =>
        rules.publishMaintenanceUpdate(state, input, newId()),
      ),

    /**
     * Staff (status.publish): moves the window of a maintenance not yet begun; its subscribers
     * hear that it was rescheduled, and the reminder comes before the new window.
     */
    rescheduleMaintenance: (
      actor: Actor,
      id: string,
      input: rules.MaintenanceReschedule,
      expectedVersion?: number,
    ): Promise<MaintenanceState> =>
      decide(actor, id, expectedVersion, (state, now) =>
        rules.rescheduleMaintenance(state, input, newId(), now, noticeBefore()),
      ),

    /** Staff (status.publish): calls off a maintenance not yet begun; whoever was told hears. */
    cancelMaintenance: (
      actor: Actor,
      id: string,
      body: string,
      expectedVersion?: number,
    ): Promise<MaintenanceState> =>
      decide(actor, id, expectedVersion, (state) => rules.cancelMaintenance(state, body, newId())),

    /** Staff: one maintenance, with who wrote each update. */
    getMaintenance: (id: string): Promise<MaintenanceState> => load(db, id),

    /** Staff: maintenances (upcoming and active soonest first; all newest first). */
    listMaintenances: (filter: MaintenanceFilter, limit: number): Promise<MaintenanceState[]> =>
      maintenances.listMaintenances(db, filter, limit),

    /** One maintenance as anyone may read it; NOT_FOUND when there is none. */
    getPublicMaintenance: async (id: string): Promise<PublicMaintenance> =>
      toPublicMaintenance(await load(db, id)),

    /**
     * Maintenances as Statuspage's API shows them. A cancelled one is left out: Statuspage has no
     * cancelled state (a maintenance called off there is deleted and leaves every list), and
     * showing it `completed` would tell monitors the work was done.
     */
    listPublicMaintenances: async (
      filter: MaintenanceFilter,
      limit: number,
    ): Promise<PublicMaintenance[]> =>
      (await maintenances.listMaintenances(db, filter, limit, { withoutCancelled: true })).map(
        toPublicMaintenance,
      ),

    /**
     * The scheduler's step: every maintenance not completed gets what is due at `now` (the
     * reminder, the move to in progress, the move to completed), each in its own transaction.
     * Answers how many this instance moved.
     */
    async runDueMaintenance(now: number): Promise<number> {
      const open = await maintenances.listMaintenances(db, 'unfinished', 500);
      const due = open.filter(
        (m) => rules.dueMaintenanceSteps(m, now, noticeBefore(), () => '').length > 0,
      );
      let moved = 0;
      for (const m of due) if (await advance(m.id, now)) moved++;
      return moved;
    },
  };
}

export type MaintenanceService = ReturnType<typeof createMaintenanceService>;
