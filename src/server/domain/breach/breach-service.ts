// Breach use cases, one transaction each: load the incident through the incidents port (its
// visibility rule) and the record, let the rules decide, record the events. Details are for
// breach.read (the legal role, admins); everyone who may see the incident sees that a record
// exists and its clocks.
import type { OpenBreach, RecordDetermination, UpdateBreach } from '../../../shared/api/breach.ts';
import type { Clock } from '../../clock.ts';
import { inTransaction } from '../../db/transaction.ts';
import type { Db, Executor } from '../../db/schema.ts';
import { can, type Actor } from '../actor.ts';
import { AppError, notFound } from '../../errors.ts';
import { newId } from '../../ids.ts';
import type { Policy } from '../policy/index.ts';
import { planRegimeClocks, type RegimeClock } from './breach-clock-rules.ts';
import { appendToBreach } from './breach-projection.ts';
import { findBreachByIncident } from './breach-repository.ts';
import * as rules from './breach-rules.ts';
import { currentDeterminations, type BreachState } from './breach-state.ts';

/** What the breach subject needs of incidents: one incident as this actor may see it. */
export interface BreachIncidents {
  /** The incident by id or key with whether the actor may see it; null when there is none. */
  findSight(
    executor: Executor,
    actor: Actor,
    ref: string,
  ): Promise<{ id: string; key: string; visible: boolean } | null>;
}

export interface BreachServiceDeps {
  db: Db;
  clock: Clock;
  /** The policy in force: its breach section lists the regimes. */
  policy: () => Policy;
  incidents: BreachIncidents;
}

/** A breach record as one caller may see it. */
export interface BreachView {
  id: string;
  incidentKey: string;
  openedAt: number;
  version: number;
  regimes: RegimeClock[];
  /** Null for callers without breach.read. */
  details: BreachState | null;
}

export function createBreachService(deps: BreachServiceDeps) {
  const { db, clock } = deps;

  async function incidentOf(executor: Executor, actor: Actor, ref: string) {
    const sight = await deps.incidents.findSight(executor, actor, ref);
    // A hidden incident answers as one that does not exist.
    if (!sight || !sight.visible) throw notFound(`Incident ${ref}`);
    return sight;
  }

  async function load(executor: Executor, actor: Actor, ref: string) {
    const incident = await incidentOf(executor, actor, ref);
    const state = await findBreachByIncident(executor, incident.id);
    if (!state) throw new AppError('NOT_FOUND', `Incident ${incident.key} has no breach record`);
    return { incident, state };
  }

  function clocksOf(state: BreachState): RegimeClock[] {
    const determinations = Object.fromEntries(
      Object.entries(currentDeterminations(state)).map(([kind, d]) => [
        kind,
        { value: d.value, at: d.at },
      ]),
    );
    return planRegimeClocks(deps.policy().breach, { determinations, submissions: [] });
  }

  function view(actor: Actor, incidentKey: string, state: BreachState): BreachView {
    return {
      id: state.id,
      incidentKey,
      openedAt: state.openedAt,
      version: state.version,
      regimes: clocksOf(state),
      details: can(actor, 'breach.read') ? state : null,
    };
  }

  function assertMayChange(actor: Actor): void {
    if (!can(actor, 'breach.manage')) {
      throw new AppError(
        'FORBIDDEN',
        'Changing a breach record needs the breach.manage permission',
      );
    }
  }

  return {
    /** The incident's breach record: details with breach.read, otherwise that it exists and its clocks. */
    async getBreach(actor: Actor, ref: string): Promise<BreachView> {
      const { incident, state } = await load(db, actor, ref);
      return view(actor, incident.key, state);
    },

    async openBreach(actor: Actor, ref: string, input: OpenBreach): Promise<BreachView> {
      assertMayChange(actor);
      return inTransaction(db, async (tx) => {
        const incident = await incidentOf(tx, actor, ref);
        const existing = await findBreachByIncident(tx, incident.id);
        const events = rules.openBreach(existing, incident.id, input);
        const state = await appendToBreach(tx, newId(), null, events, actor.userId, clock.now());
        return view(actor, incident.key, state);
      });
    },

    async updateBreach(actor: Actor, ref: string, input: UpdateBreach): Promise<BreachView> {
      assertMayChange(actor);
      return inTransaction(db, async (tx) => {
        const { incident, state } = await load(tx, actor, ref);
        const events = rules.updateBreach(state, input);
        const after = await appendToBreach(tx, state.id, state, events, actor.userId, clock.now());
        return view(actor, incident.key, after);
      });
    },

    async recordDetermination(
      actor: Actor,
      ref: string,
      input: RecordDetermination,
    ): Promise<BreachView> {
      assertMayChange(actor);
      return inTransaction(db, async (tx) => {
        const { incident, state } = await load(tx, actor, ref);
        const now = clock.now();
        const events = rules.recordDetermination(state, input, now);
        const after = await appendToBreach(tx, state.id, state, events, actor.userId, now);
        return view(actor, incident.key, after);
      });
    },
  };
}

export type BreachService = ReturnType<typeof createBreachService>;
