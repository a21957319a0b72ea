// Pure decisions about on-call schedules: a rotation whose pattern leaves no gap and no overlap,
// in a time zone the server knows, whose members are active staff with a role the policy makes
// eligible (onCall.eligibleRoles); an override by such a person, for a range still to come that
// no other override covers. Each refusal names the field.
import { AppError, type FieldError } from '../../errors.ts';
import {
  scheduleEvent,
  type OnCallOverride,
  type Rotation,
  type ScheduleEvent,
} from './schedule-events.ts';
import type { ScheduleState } from './schedule-state.ts';
import { isTimeZone } from '../time-zones.ts';
import { checkPattern } from './shift-rules.ts';

/** A member of staff as the rules need them. */
export interface StaffMember {
  id: string;
  displayName: string;
  roles: readonly string[];
}

export interface ScheduleInput {
  name: string;
  rotation: Rotation;
}

export interface OverrideInput {
  userId: string;
  from: number;
  to: number;
  reason?: string | null;
}

/** Who may be on call: the active staff and the roles the policy makes eligible. */
export interface Eligibility {
  staff: readonly StaffMember[];
  roles: readonly string[];
}

/** An override may start up to this long before the request (the sender's clock, the network). */
const START_GRACE = 60_000;

function refuse(errors: FieldError[]): void {
  if (errors.length > 0)
    throw new AppError('VALIDATION', 'Some fields are not valid; see errors', { errors });
}

function personProblem(userId: string, who: Eligibility): string | null {
  const person = who.staff.find((s) => s.id === userId);
  if (!person) return 'is not an active member of staff';
  if (!person.roles.some((r) => who.roles.includes(r)))
    return `${person.displayName} cannot be on call: the policy's onCall.eligibleRoles are ${who.roles.join(', ')}`;
  return null;
}

function rotationProblems(rotation: Rotation, who: Eligibility): FieldError[] {
  const errors: FieldError[] = [];
  if (!isTimeZone(rotation.timeZone))
    errors.push({
      field: 'rotation.timeZone',
      message: 'is not a time zone such as Europe/Berlin',
    });
  const seen = new Set<string>();
  rotation.members.forEach((id, i) => {
    const problem = seen.has(id) ? 'is already a member above' : personProblem(id, who);
    if (problem) errors.push({ field: `rotation.members.${i}`, message: problem });
    seen.add(id);
  });
  for (const p of checkPattern(rotation))
    errors.push({ field: `rotation.shifts.${p.index}.${p.field}`, message: p.message });
  return errors;
}

function nameTaken(name: string, sameName: ScheduleState | null, self: string | null) {
  return sameName && sameName.id !== self
    ? [{ field: 'name', message: 'another schedule has this name' }]
    : [];
}

export function createSchedule(
  input: ScheduleInput,
  who: Eligibility,
  sameName: ScheduleState | null,
): ScheduleEvent[] {
  refuse([...nameTaken(input.name, sameName, null), ...rotationProblems(input.rotation, who)]);
  return [scheduleEvent('oncall.schedule_created', input)];
}

/** The fields that change; nothing when none does. */
export function changeSchedule(
  state: ScheduleState,
  input: Partial<ScheduleInput>,
  who: Eligibility,
  sameName: ScheduleState | null,
): ScheduleEvent[] {
  refuse([
    ...(input.name === undefined ? [] : nameTaken(input.name, sameName, state.id)),
    ...(input.rotation === undefined ? [] : rotationProblems(input.rotation, who)),
  ]);
  const changes: { name?: string; rotation?: Rotation } = {};
  if (input.name !== undefined && input.name !== state.name) changes.name = input.name;
  if (
    input.rotation !== undefined &&
    JSON.stringify(input.rotation) !== JSON.stringify(state.rotation)
  )
    changes.rotation = input.rotation;
  return Object.keys(changes).length === 0
    ? []
    : [scheduleEvent('oncall.schedule_changed', { changes })];
}

export const removeSchedule = (): ScheduleEvent[] => [scheduleEvent('oncall.schedule_removed', {})];

/** Someone covers a range still to come; no two overrides of a schedule cover the same time. */
export function addOverride(
  state: ScheduleState,
  input: OverrideInput,
  who: Eligibility,
  context: { now: number; id: string; actorId: string | null },
): ScheduleEvent[] {
  const errors: FieldError[] = [];
  const problem = personProblem(input.userId, who);
  if (problem) errors.push({ field: 'userId', message: problem });
  if (input.to <= context.now)
    errors.push({ field: 'to', message: 'is in the past: an override covers time still to come' });
  else if (input.to <= input.from) errors.push({ field: 'to', message: 'must be after from' });
  if (input.from < context.now - START_GRACE)
    errors.push({
      field: 'from',
      message: 'is in the past: an override starts now at the earliest',
    });
  const clash = state.overrides.find((o) => o.from < input.to && o.to > input.from);
  if (clash)
    errors.push({
      field: 'from',
      message: `overlaps another override (${new Date(clash.from).toISOString()} to ${new Date(clash.to).toISOString()}); remove it first`,
    });
  refuse(errors);
  const override: OnCallOverride = {
    id: context.id,
    userId: input.userId,
    from: Math.max(input.from, context.now),
    to: input.to,
    reason: input.reason ?? null,
    createdBy: context.actorId,
  };
  return [scheduleEvent('oncall.override_added', { override })];
}

export function removeOverride(state: ScheduleState, overrideId: string): ScheduleEvent[] {
  if (!state.overrides.some((o) => o.id === overrideId))
    throw new AppError('NOT_FOUND', 'This schedule has no such override');
  return [scheduleEvent('oncall.override_removed', { overrideId })];
}
