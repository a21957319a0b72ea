// The learning programme's use cases (issue 14, item 7; Kai section 10): the policy's schedule of
// exercises and reviews as it stands against its deadlines (scheduled, done, overdue), and the
// record of a process review, staff training or external test, which meets the current period's
// deadline and starts the next in the same transaction.
import type { Clock } from '../../clock.ts';
import type { Db, Executor } from '../../db/schema.ts';
import { inTransaction } from '../../db/transaction.ts';
import { newId } from '../../ids.ts';
import type { Actor } from '../actor.ts';
import type { Policy } from '../policy/index.ts';
import type { ActivityFields } from './programme-events.ts';
import { appendActivity, appendScheduleItemEvents } from './programme-projection.ts';
import * as repo from './programme-repository.ts';
import * as rules from './programme-rules.ts';
import type { ScheduleItemEvent } from './programme-events.ts';

/** What the programme needs of the clocks: a kind held meets its deadline; the deadlines. */
export interface ProgrammeClocks {
  scheduleHeld(tx: Executor, kind: string, at: number, metBy: string): Promise<void>;
  /** Every deadline of the schedule's items (subjectId: the item's id; ref: the period). */
  listSchedule(): Promise<
    readonly (Omit<rules.SchedulePeriodState, 'deadlineId' | 'period'> & {
      id: string;
      subjectId: string;
      ref: string;
    })[]
  >;
}

export interface ProgrammePorts {
  db: Db;
  clock: Clock;
  policy: () => { policy: Pick<Policy, 'learning'> };
  clocks: ProgrammeClocks;
}

/** An item of the policy's schedule with its periods, newest first, and how it stands now. */
export interface ScheduleItemView {
  id: string;
  kind: Policy['learning']['schedule'][number]['kind'];
  title: string;
  everyMonths: number;
  description: string | null;
  /** The open period's state (scheduled or overdue); done when none is open; null: not started. */
  state: rules.ScheduleState | null;
  /** The open period's due time; null when none is open. */
  dueAt: number | null;
  periods: (rules.SchedulePeriodState & { state: rules.ScheduleState })[];
}

/**
 * Where the clocks record a schedule item's steps (its own stream). Needs nothing else, so the
 * composition root builds it before the clocks' planner.
 */
export function createProgrammeRecord() {
  return {
    recordClockEvents: (tx: Executor, itemId: string, events: ScheduleItemEvent[], at: number) =>
      appendScheduleItemEvents(tx, itemId, events, at),
  };
}

export function createProgrammeService(ports: ProgrammePorts) {
  const { db, clock } = ports;
  return {
    /** The schedule as it stands, what is overdue, and the reviews, training and tests recorded. */
    async view(_actor: Actor) {
      const now = clock.now();
      const deadlines = await ports.clocks.listSchedule();
      const items: ScheduleItemView[] = ports.policy().policy.learning.schedule.map((item) => {
        const periods = deadlines
          .filter((d) => d.subjectId === item.id)
          .map((d) => ({
            deadlineId: d.id,
            period: d.ref,
            startedAt: d.startedAt,
            dueAt: d.dueAt,
            status: d.status,
            metAt: d.metAt,
            metBy: d.metBy,
          }))
          .flatMap((p) => {
            const state = rules.periodState(p, now);
            return state ? [{ ...p, state }] : [];
          })
          .reverse();
        const open = periods.find((p) => p.state !== 'done');
        return {
          id: item.id,
          kind: item.kind,
          title: item.title,
          everyMonths: item.everyMonths,
          description: item.description ?? null,
          state: open?.state ?? (periods.length > 0 ? 'done' : null),
          dueAt: open?.dueAt ?? null,
          periods,
        };
      });
      return {
        items,
        overdue: items.filter((i) => i.state === 'overdue').map((i) => i.id),
        activities: await repo.listActivities(db),
      };
    },

    /** Records a review, training or test; it meets its schedule's deadline and starts the next. */
    async recordActivity(actor: Actor, input: ActivityFields): Promise<repo.ActivityRecord> {
      const id = newId();
      await inTransaction(db, async (tx) => {
        const now = clock.now();
        const events = rules.recordActivity(input, now);
        await appendActivity(tx, id, events, actor.userId, now);
        await ports.clocks.scheduleHeld(
          tx,
          input.kind,
          input.heldAt,
          'programme.activity_recorded',
        );
      });
      return (await repo.listActivities(db, { id }))[0]!;
    },
  };
}

export type ProgrammeService = ReturnType<typeof createProgrammeService>;
