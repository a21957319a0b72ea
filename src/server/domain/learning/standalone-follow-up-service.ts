// Stand-alone follow-ups (issue 18, item 4): follow-ups no post-mortem holds, such as tuning the
// detection rule behind alerts marked as noise. Each is a stream of its own (the follow-up's id)
// with the post-mortem's follow-up events, decided by the same rules (learning-rules.ts) and
// written to the same rows (learning-projection.ts); its due date is a deadline on the follow-up
// itself. Anyone who may read follow-ups sees it: no incident restricts it.
import type { Clock } from '../../clock.ts';
import type { Db, Executor } from '../../db/schema.ts';
import { inTransaction } from '../../db/transaction.ts';
import { AppError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import type { Actor } from '../actor.ts';
import type { ClockEvent, FollowUpDue } from '../clocks/index.ts';
import type { Policy } from '../policy/index.ts';
import type { StandaloneFollowUpHandOff } from '../trackers/index.ts';
import type { FollowUpSource } from './learning-events.ts';
import { appendToStandaloneFollowUp } from './learning-projection.ts';
import * as repo from './learning-repository.ts';
import * as rules from './learning-rules.ts';
import type { FollowUp, StandaloneFollowUpState } from './learning-state.ts';

/**
 * Where the clocks record a stand-alone follow-up's steps (its own stream) and how a notice names
 * it. Needs nothing else, so the composition root builds it before the clocks.
 */
export function createFollowUpRecord() {
  return {
    async recordClockEvents(
      tx: Executor,
      followUpId: string,
      events: ClockEvent<'follow_up'>[],
      at: number,
    ): Promise<boolean> {
      const state = await repo.findStandaloneFollowUp(tx, followUpId);
      if (!state) return false;
      await appendToStandaloneFollowUp(tx, followUpId, state, events, null, at);
      return true;
    },
    async findNoticeHeadline(tx: Executor, followUpId: string) {
      const f = (await repo.findStandaloneFollowUp(tx, followUpId))?.followUps[0];
      return f ? { key: f.id, title: f.title } : null;
    },
  };
}

/** What a stand-alone follow-up needs of the trackers subject: it goes to the team's trackers. */
export interface StandaloneFollowUpTrackers {
  standaloneFollowUpAdded(
    tx: Executor,
    followUp: StandaloneFollowUpHandOff,
    at: number,
  ): Promise<void>;
}

/** What proposed a stand-alone follow-up, in words an issue may say (no reasons, no alerts). */
function proposedBy(source: FollowUpSource | null): string {
  if (!source) return 'Stopline';
  const alerts = source.alertCount === 1 ? '1 alert' : `${source.alertCount} alerts`;
  return `tuning the detection rule behind ${alerts} marked as noise (alert source ${source.alertSourceName})`;
}

export interface StandaloneFollowUpPorts {
  db: Db;
  clock: Clock;
  policy: () => { policy: Policy };
  /** Whether someone can own a follow-up (accounts). */
  staff: { isActive(tx: Executor, userId: string): Promise<boolean> };
  /** A stand-alone follow-up's due clock, on the follow-up itself (incident null). */
  clocks: {
    startFollowUpDue(
      tx: Executor,
      incidentId: null,
      due: FollowUpDue,
      policy: Policy,
      now: number,
    ): Promise<void>;
    followUpClosed(
      tx: Executor,
      incidentId: null,
      followUpId: string,
      done: boolean,
      now: number,
    ): Promise<void>;
  };
  /** Development trackers with onFollowUp (trackers subject, built before learning). */
  trackers: StandaloneFollowUpTrackers;
}

/** A new stand-alone follow-up: what it asks, and what proposed it. */
export type NewStandaloneFollowUp = Omit<
  rules.NewFollowUp,
  'policySection' | 'proposalId' | 'source'
> & { source: FollowUpSource };

export function createStandaloneFollowUpService(ports: StandaloneFollowUpPorts) {
  const { db, clock } = ports;

  /** An open follow-up's clock: due at its date, its owner reminded (no incident's severity). */
  async function startDue(tx: Executor, f: FollowUp, now: number) {
    if (f.status !== 'open') return;
    const due = {
      followUpId: f.id,
      startedAt: Math.min(now, f.dueAt),
      dueAt: f.dueAt,
      responsibleId: f.ownerId,
      severity: null,
    };
    await ports.clocks.startFollowUpDue(tx, null, due, ports.policy().policy, now);
  }

  async function load(tx: Executor, followUpId: string): Promise<StandaloneFollowUpState> {
    const state = await repo.findStandaloneFollowUp(tx, followUpId);
    if (!state) throw new AppError('NOT_FOUND', 'Follow-up was not found');
    return state;
  }

  return {
    /**
     * Adds a stand-alone follow-up in the caller's transaction (the alerts' tuning proposal taken):
     * owned by active staff, due in the future; its clock starts. Answers the follow-up.
     */
    async addStandaloneFollowUp(
      tx: Executor,
      actor: Actor,
      input: NewStandaloneFollowUp,
    ): Promise<FollowUp> {
      const now = clock.now();
      const followUpId = newId();
      const owner = await ports.staff.isActive(tx, input.ownerId);
      const empty = { followUps: [], declinedProposals: [] };
      const events = rules.addFollowUp(empty, input, followUpId, now, owner);
      const after = await appendToStandaloneFollowUp(
        tx,
        followUpId,
        null,
        events,
        actor.userId,
        now,
      );
      const f = after.followUps[0]!;
      await startDue(tx, f, now);
      // Its safe summary goes to the trackers that take follow-ups (outbox), as a post-mortem's.
      if (f.trackerUrl === null) {
        const handOff = {
          followUpId,
          title: f.title,
          type: f.type,
          dueAt: f.dueAt,
          proposedBy: proposedBy(f.source),
        };
        await ports.trackers.standaloneFollowUpAdded(tx, handOff, now);
      }
      return f;
    },

    /**
     * A change the trackers subject reports on a stand-alone follow-up (its issue's link or
     * state), as the system: decided by the post-mortem follow-ups' rules.
     */
    async fromTracker(
      tx: Executor,
      followUpId: string,
      decide: (s: StandaloneFollowUpState) => ReturnType<typeof rules.linkFollowUpTracker>,
      at: number,
    ): Promise<void> {
      const state = await repo.findStandaloneFollowUp(tx, followUpId);
      if (!state) return;
      const events = decide(state);
      if (events.length > 0)
        await appendToStandaloneFollowUp(tx, followUpId, state, events, null, at);
    },

    /**
     * Changes a stand-alone follow-up by its id, as a post-mortem's follow-up is changed: owner
     * (active staff), due date (future), status (not doing with the reason). An open one's clock
     * starts again for the owner and date; done meets it, not doing cancels it.
     */
    async changeStandaloneFollowUp(
      actor: Actor,
      followUpId: string,
      to: rules.FollowUpChange,
      expectedVersion?: number,
    ): Promise<FollowUp & { version: number }> {
      return inTransaction(db, async (tx) => {
        const state = await load(tx, followUpId);
        if (expectedVersion !== undefined && expectedVersion !== state.version) {
          throw new AppError(
            'CONFLICT',
            'This follow-up was changed by someone else since you loaded it; reload and try again',
            { expectedVersion, currentVersion: state.version },
          );
        }
        const now = clock.now();
        const active = to.ownerId === undefined || (await ports.staff.isActive(tx, to.ownerId));
        const events = rules.reviseFollowUp(state, followUpId, to, now, active);
        if (events.length === 0) return { ...state.followUps[0]!, version: state.version };
        const after = await appendToStandaloneFollowUp(
          tx,
          followUpId,
          state,
          events,
          actor.userId,
          now,
        );
        const changed = after.followUps[0]!;
        await ports.clocks.followUpClosed(tx, null, followUpId, changed.status === 'done', now);
        await startDue(tx, changed, now);
        return { ...changed, version: after.version };
      });
    },
  };
}
