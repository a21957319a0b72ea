// Breach use cases, one transaction each: load the incident through the incidents port (its
// visibility rule) and the record, let the rules decide, record the events. Details are for
// breach.read (the legal role, admins); everyone who may see the incident sees that a record
// exists and its clocks.
import { createHash } from 'node:crypto';
import type {
  OpenBreach,
  RecordDetermination,
  RecordSubmission,
  UpdateBreach,
} from '../../../shared/api/breach.ts';
import type { Clock } from '../../clock.ts';
import { inTransaction } from '../../db/transaction.ts';
import type { Db, Executor } from '../../db/schema.ts';
import { can, type Actor, requirePermission } from '../actor.ts';
import { AppError, notFound } from '../../errors.ts';
import { newId } from '../../ids.ts';
import type { Policy } from '../policy/index.ts';
import type { RegimeClock } from './breach-clock-rules.ts';
import { appendToBreach } from './breach-projection.ts';
import { findBreachByIncident, findIncidentIds, listBreaches } from './breach-repository.ts';
import { registerCsv, registerEntry, type RegisterEntry } from './breach-register.ts';
import * as rules from './breach-rules.ts';
import { createNoticeUseCases, type BreachMail } from './notice-service.ts';
import { draftNotice, draftsCalledFor } from './notice-rules.ts';
import type { BreachState } from './breach-state.ts';

/** What the breach subject needs of incidents: one incident as this actor may see it. */
export interface BreachIncidents {
  /** The incident by id or key with whether the actor may see it; null when there is none. */
  findSight(
    executor: Executor,
    actor: Actor,
    ref: string,
  ): Promise<{ id: string; key: string; visible: boolean } | null>;
  /** Ids of the restricted incidents the actor may not see. */
  listHiddenIds(executor: Executor, actor: Actor): Promise<string[]>;
  /** The incidents' keys (INC-…), by id. */
  findKeys(executor: Executor, ids: readonly string[]): Promise<ReadonlyMap<string, string>>;
  /** Writes a decision on the incident's decision log (what everyone on the incident may read). */
  recordDecision(
    tx: Executor,
    incidentId: string,
    decision: { what: string; why: string; decidedBy: string },
    actorId: string | null,
    at: number,
  ): Promise<boolean>;
}

/** What the breach subject needs of notifications: telling the legal role (never the details). */
export interface BreachNotices {
  tellLegal(
    tx: Executor,
    notice: { incidentKey: string; line: string; idempotencyKey: string; at: number },
  ): Promise<void>;
}

/** A running or submitted stage as a deadline of the clocks subject. */
export interface BreachStageDeadline {
  /** "regime.stage" */
  ref: string;
  startedAt: number;
  dueAt: number;
  submittedAt: number | null;
  responsibleId: string | null;
}

/** What the breach subject needs of the clocks: its stages kept as the incident's deadlines. */
export interface BreachClocks {
  setBreachStages(
    tx: Executor,
    incidentId: string,
    stages: readonly BreachStageDeadline[],
    now: number,
  ): Promise<void>;
}

export interface BreachServiceDeps {
  db: Db;
  clock: Clock;
  /** The policy in force: its breach section lists the regimes. */
  policy: () => Policy;
  incidents: BreachIncidents;
  clocks: BreachClocks;
  notices: BreachNotices;
  /** E-mail to the people affected and its delivery status (notifications). */
  mail: BreachMail;
  /** HMAC-SHA256 under the server key of removed personal data (a tombstone's removedHash). */
  redactionHash: (removed: unknown) => string;
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

  const clocksOf = (state: BreachState): RegimeClock[] =>
    rules.regimeClocks(state, deps.policy().breach);

  /** The stages that have started become (or stay, or stop being) the incident's deadlines. */
  async function syncDeadlines(tx: Executor, state: BreachState, now: number) {
    const stages = clocksOf(state).flatMap((regime) =>
      regime.stages.flatMap((s) =>
        s.startedAt === null || s.dueAt === null
          ? []
          : [
              {
                ref: `${s.regimeId}.${s.stageId}`,
                startedAt: s.startedAt,
                dueAt: s.dueAt,
                submittedAt: s.submittedAt,
                responsibleId: state.openedBy,
              },
            ],
      ),
    );
    // A record found not to be a breach stops its clocks: every stage's deadline is cancelled.
    const running = state.status === 'not_a_breach' ? [] : stages;
    await deps.clocks.setBreachStages(tx, state.incidentId, running, now);
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

  /** Who decided, as the decision log names it: the role they decided in. */
  const deciderOf = (actor: Actor) =>
    actor.roles.includes('legal') ? 'legal' : (actor.roles[0] ?? 'system');

  function assertMayChange(actor: Actor): void {
    requirePermission(actor, 'breach.manage', 'Changing a breach record');
  }

  /** The legal role hears that a breach is suspected on the incident (by key, no details). */
  async function tellLegalOpened(tx: Executor, key: string, state: BreachState, how: string) {
    await deps.notices.tellLegal(tx, {
      incidentKey: key,
      line: `A personal-data breach is ${how} on incident ${key}. The legal role decides whether personal data is involved and when the organisation became aware; the regulator clocks start from those determinations.`,
      idempotencyKey: `breach_opened:${state.id}`,
      at: state.openedAt,
    });
  }

  const notices = createNoticeUseCases(deps, { load, view, syncDeadlines });

  return {
    ...notices,

    /**
     * The register: every breach record of the incidents this actor may see, notified or not,
     * with its decisions and reasons; needs breach.read.
     */
    async exportRegister(actor: Actor): Promise<RegisterEntry[]> {
      requirePermission(actor, 'breach.read', 'The breach register');
      const hidden = await deps.incidents.listHiddenIds(db, actor);
      const states = await listBreaches(db, hidden);
      const keys = await deps.incidents.findKeys(
        db,
        states.map((s) => s.incidentId),
      );
      const breach = deps.policy().breach;
      return states.map((s) => registerEntry(s, keys.get(s.incidentId) ?? s.incidentId, breach));
    },

    registerCsv,

    /** The incident of each breach record (for the live stream's audience), by record id. */
    findIncidentIds: (breachIds: readonly string[]) => findIncidentIds(db, breachIds),

    /** The incident's breach record: details with breach.read, otherwise that it exists and its clocks. */
    async getBreach(actor: Actor, ref: string): Promise<BreachView> {
      const { incident, state } = await load(db, actor, ref);
      return view(actor, incident.key, state);
    },

    /** When each stage would fall due if what is not yet determined were determined now. */
    async whatIf(actor: Actor, ref: string): Promise<BreachView> {
      const { incident, state } = await load(db, actor, ref);
      return {
        ...view(actor, incident.key, state),
        regimes: rules.whatIfClocks(state, deps.policy().breach, clock.now()),
        details: null,
      };
    },

    async openBreach(actor: Actor, ref: string, input: OpenBreach): Promise<BreachView> {
      assertMayChange(actor);
      return inTransaction(db, async (tx) => {
        const incident = await incidentOf(tx, actor, ref);
        const existing = await findBreachByIncident(tx, incident.id);
        const events = rules.openBreach(existing, incident.id, input);
        const state = await appendToBreach(tx, newId(), null, events, actor.userId, clock.now());
        await tellLegalOpened(tx, incident.key, state, `recorded (${state.status})`);
        return view(actor, incident.key, state);
      });
    },

    /**
     * Anyone who assesses the incident may raise a suspected breach: it opens the record as
     * suspected (nothing else on it) and tells the legal role, who owns it from then on.
     */
    async raiseSuspicion(actor: Actor, ref: string): Promise<BreachView> {
      requirePermission(actor, 'incidents.assess', 'Raising a suspected breach');
      return inTransaction(db, async (tx) => {
        const incident = await incidentOf(tx, actor, ref);
        const existing = await findBreachByIncident(tx, incident.id);
        const events = rules.openBreach(existing, incident.id, { status: 'suspected' });
        const state = await appendToBreach(tx, newId(), null, events, actor.userId, clock.now());
        await tellLegalOpened(tx, incident.key, state, 'suspected');
        return view(actor, incident.key, state);
      });
    },

    async updateBreach(actor: Actor, ref: string, input: UpdateBreach): Promise<BreachView> {
      assertMayChange(actor);
      return inTransaction(db, async (tx) => {
        const { incident, state } = await load(tx, actor, ref);
        const now = clock.now();
        const events = rules.updateBreach(state, input);
        const after = await appendToBreach(tx, state.id, state, events, actor.userId, now);
        // A new status stops or restarts the clocks; new counts may call for a stage or not.
        await syncDeadlines(tx, after, now);
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
        const decided = await appendToBreach(tx, state.id, state, events, actor.userId, now);
        // A stage for the people affected that this starts (high risk) gets its first draft.
        const drafts = draftsCalledFor(state, decided, deps.policy().breach).flatMap((stage) =>
          draftNotice(decided, deps.policy().breach, stage, incident.key, newId()),
        );
        const after = await appendToBreach(tx, state.id, decided, drafts, actor.userId, now);
        // A determination is a decision of the incident too: on its decision log, with no reasons.
        const determination = after.determinations.at(-1)!;
        await deps.incidents.recordDecision(
          tx,
          state.incidentId,
          { ...rules.determinationDecision(determination), decidedBy: deciderOf(actor) },
          actor.userId,
          now,
        );
        await syncDeadlines(tx, after, now);
        return view(actor, incident.key, after);
      });
    },

    /** Records a stage's submission with its frozen copy (hashed here); meets its deadline. */
    async recordSubmission(
      actor: Actor,
      ref: string,
      input: RecordSubmission,
    ): Promise<BreachView> {
      assertMayChange(actor);
      const sha256 = createHash('sha256').update(input.copy.text, 'utf8').digest('hex');
      return inTransaction(db, async (tx) => {
        const { incident, state } = await load(tx, actor, ref);
        const now = clock.now();
        const events = rules.recordSubmission(state, deps.policy().breach, input, sha256, now);
        const after = await appendToBreach(tx, state.id, state, events, actor.userId, now);
        await syncDeadlines(tx, after, now);
        return view(actor, incident.key, after);
      });
    },
  };
}

export type BreachService = ReturnType<typeof createBreachService>;
