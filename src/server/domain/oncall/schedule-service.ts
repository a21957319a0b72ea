// On-call schedules, one transaction each: those who manage schedules (admins, security leads)
// keep the rotations and the overrides; staff read who is on call now, the next hand-offs and a
// person's shifts. Other subjects ask who is on call through the index's port (the first level
// of escalation, the triage of a new report, an incident's automatic owner).
import type { Clock } from '../../clock.ts';
import type { Db, Executor } from '../../db/schema.ts';
import { inTransaction } from '../../db/transaction.ts';
import { AppError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import type { Actor } from '../actor.ts';
import { appendToSchedule } from './schedule-projection.ts';
import * as repo from './schedule-repository.ts';
import * as rules from './schedule-rules.ts';
import type { ScheduleState } from './schedule-state.ts';
import { nextHandOffs, onCallAt, scheduleShifts, type Shift } from './shift-rules.ts';

/** The policy's words on who may be on call and which schedule `on_call` means. */
export interface OnCallPolicy {
  eligibleRoles: readonly string[];
  /** The schedule the policy's `on_call` means; left out: everyone on call on any schedule. */
  schedule?: string | undefined;
}

export interface OnCallPorts {
  db: Db;
  clock: Clock;
  policy: () => OnCallPolicy;
  /** Active staff with their account roles, in the caller's transaction. */
  staff: { listActive(tx: Executor): Promise<rules.StaffMember[]> };
}

/** A schedule with who is on call now and the next hand-offs, and the names of everyone in it. */
export interface ScheduleOverview {
  schedule: ScheduleState;
  now: Shift | null;
  next: Shift[];
  /** Display names by user id (of members, overrides and shifts). */
  names: ReadonlyMap<string, string>;
}

/** One person's shifts on every schedule. */
export interface PersonShifts {
  userId: string;
  displayName: string;
  shifts: (Shift & { scheduleId: string; scheduleName: string })[];
}

const NEXT_HAND_OFFS = 5;
/** The longest range one request may list shifts for. */
const MAX_RANGE = 400 * 86_400_000;

export function createScheduleService(ports: OnCallPorts) {
  const { db, clock } = ports;

  async function load(ex: Executor, id: string) {
    const found = await repo.findSchedule(ex, id);
    if (!found) throw new AppError('NOT_FOUND', 'Schedule was not found');
    return found;
  }

  async function eligibility(tx: Executor): Promise<rules.Eligibility> {
    return { staff: await ports.staff.listActive(tx), roles: ports.policy().eligibleRoles };
  }

  async function names(ex: Executor) {
    return new Map((await ports.staff.listActive(ex)).map((s) => [s.id, s.displayName]));
  }

  function overview(schedule: ScheduleState, people: ReadonlyMap<string, string>, at: number) {
    const { now, next } = nextHandOffs(schedule.rotation, schedule.overrides, at, NEXT_HAND_OFFS);
    return { schedule, now, next, names: people };
  }

  function checkRange(from: number, to: number) {
    if (!(to > from))
      throw new AppError('VALIDATION', 'Some fields are not valid; see errors', {
        errors: [{ field: 'to', message: 'must be after from' }],
      });
    if (to - from > MAX_RANGE)
      throw new AppError('VALIDATION', 'Some fields are not valid; see errors', {
        errors: [{ field: 'to', message: 'must be at most 400 days after from' }],
      });
  }

  return {
    /** Every schedule with who is on call now and the next hand-offs, by name. */
    async listOverviews(): Promise<ScheduleOverview[]> {
      const at = clock.now();
      const people = await names(db);
      return (await repo.listSchedules(db)).map((s) => overview(s, people, at));
    },

    async getOverview(id: string): Promise<ScheduleOverview> {
      return overview(await load(db, id), await names(db), clock.now());
    },

    async createSchedule(actor: Actor, input: rules.ScheduleInput): Promise<ScheduleOverview> {
      const state = await inTransaction(db, async (tx) => {
        const sameName = await repo.findScheduleByName(tx, input.name);
        const events = rules.createSchedule(input, await eligibility(tx), sameName);
        return appendToSchedule(tx, newId(), null, events, actor.userId, clock.now());
      });
      return overview(state, await names(db), clock.now());
    },

    async changeSchedule(
      actor: Actor,
      id: string,
      input: Partial<rules.ScheduleInput>,
    ): Promise<ScheduleOverview> {
      const state = await inTransaction(db, async (tx) => {
        const current = await load(tx, id);
        const sameName =
          input.name === undefined ? null : await repo.findScheduleByName(tx, input.name);
        const events = rules.changeSchedule(current, input, await eligibility(tx), sameName);
        return appendToSchedule(tx, id, current, events, actor.userId, clock.now());
      });
      return overview(state, await names(db), clock.now());
    },

    async removeSchedule(actor: Actor, id: string): Promise<void> {
      await inTransaction(db, async (tx) => {
        const current = await load(tx, id);
        await appendToSchedule(tx, id, current, rules.removeSchedule(), actor.userId, clock.now());
      });
    },

    async addOverride(
      actor: Actor,
      id: string,
      input: rules.OverrideInput,
    ): Promise<ScheduleOverview> {
      const state = await inTransaction(db, async (tx) => {
        const current = await load(tx, id);
        const now = clock.now();
        const events = rules.addOverride(current, input, await eligibility(tx), {
          now,
          id: newId(),
          actorId: actor.userId,
        });
        return appendToSchedule(tx, id, current, events, actor.userId, now);
      });
      return overview(state, await names(db), clock.now());
    },

    async removeOverride(actor: Actor, id: string, overrideId: string): Promise<void> {
      await inTransaction(db, async (tx) => {
        const current = await load(tx, id);
        const events = rules.removeOverride(current, overrideId);
        await appendToSchedule(tx, id, current, events, actor.userId, clock.now());
      });
    },

    /** The schedule's shifts over [from, to), overrides applied. */
    async listShifts(
      id: string,
      from: number,
      to: number,
    ): Promise<{ schedule: ScheduleState; shifts: Shift[]; names: ReadonlyMap<string, string> }> {
      checkRange(from, to);
      const schedule = await load(db, id);
      return {
        schedule,
        shifts: scheduleShifts(schedule.rotation, schedule.overrides, from, to),
        names: await names(db),
      };
    },

    /** One person's shifts over [from, to) on every schedule (their iCalendar feed). */
    async listPersonShifts(userId: string, from: number, to: number): Promise<PersonShifts> {
      checkRange(from, to);
      const people = await names(db);
      const displayName = people.get(userId);
      if (!displayName) throw new AppError('NOT_FOUND', 'User was not found');
      const shifts = (await repo.listSchedules(db)).flatMap((s) =>
        scheduleShifts(s.rotation, s.overrides, from, to)
          .filter((shift) => shift.userId === userId)
          .map((shift) => ({ ...shift, scheduleId: s.id, scheduleName: s.name })),
      );
      return { userId, displayName, shifts: shifts.sort((a, b) => a.from - b.from) };
    },

    /**
     * Who the policy's `on_call` means at an instant: the person on call on its schedule (or on
     * every schedule when it names none), in the caller's transaction. Empty when nobody is.
     */
    async listOnCallIds(ex: Executor, at: number): Promise<string[]> {
      const named = ports.policy().schedule;
      const schedules = named
        ? [await repo.findScheduleByName(ex, named)].filter((s) => s !== null)
        : await repo.listSchedules(ex);
      const ids = schedules
        .map((s) => onCallAt(s.rotation, s.overrides, at)?.userId)
        .filter((id): id is string => id !== undefined);
      return [...new Set(ids)];
    },
  };
}

export type ScheduleService = ReturnType<typeof createScheduleService>;
