// /api/v1/on-call: on-call schedules (docs/on-call.md). Staff (oncall.read) see who is on call
// now, the next hand-offs, a schedule's shifts and a person's shifts as iCalendar; admins and
// security leads (oncall.manage) keep the rotations and the overrides.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  CreateOverride,
  CreateSchedule,
  OverrideRef,
  PersonRef,
  Schedule,
  ScheduleList,
  ScheduleRef,
  ShiftList,
  ShiftRange,
  UpdateSchedule,
} from '../../../shared/api/oncall.ts';
import type { OnCallModule, ScheduleOverview, Shift } from '../../domain/oncall/index.ts';
import { actorOf } from './incident-commands.ts';
import { shiftsCalendar } from './oncall-calendar.ts';
import { presentTime } from './time-presenter.ts';

const tags = ['on call'];
const DAY = 86_400_000;

const person = (names: ReadonlyMap<string, string>, id: string) => ({
  id,
  displayName: names.get(id) ?? null,
});

function presentShift(names: ReadonlyMap<string, string>, s: Shift) {
  return {
    user: person(names, s.userId),
    from: presentTime(s.from),
    to: presentTime(s.to),
    source: s.source,
    overrideId: s.overrideId,
  };
}

const length = (minutes: number) =>
  minutes % 10080 === 0
    ? `${minutes / 10080}w`
    : minutes % 1440 === 0
      ? `${minutes / 1440}d`
      : minutes % 60 === 0
        ? `${minutes / 60}h`
        : `${minutes}m`;

function presentSchedule(o: ScheduleOverview, now: number): z.input<typeof Schedule> {
  const { schedule: s, names } = o;
  return {
    id: s.id,
    name: s.name,
    rotation: {
      timeZone: s.rotation.timeZone,
      startsOn: s.rotation.startsOn,
      shifts: s.rotation.shifts.map((p) => ({ ...p, length: length(p.lengthMinutes) })),
      members: s.rotation.members.map((id) => person(names, id)),
    },
    overrides: s.overrides
      .filter((v) => v.to > now)
      .map((v) => ({
        id: v.id,
        user: person(names, v.userId),
        from: presentTime(v.from),
        to: presentTime(v.to),
        reason: v.reason,
      })),
    now: o.now ? presentShift(names, o.now) : null,
    next: o.next.map((n) => presentShift(names, n)),
    version: s.version,
    createdAt: presentTime(s.createdAt),
    updatedAt: presentTime(s.updatedAt),
  };
}

export async function onCallRoutes(
  app: FastifyInstance,
  opts: { oncall: OnCallModule; clock: { now(): number }; baseUrl: string },
) {
  const { oncall, clock } = opts;
  const typed = app.withTypeProvider<ZodTypeProvider>();
  const present = (o: ScheduleOverview) => presentSchedule(o, clock.now());

  typed.get(
    '/api/v1/on-call',
    {
      config: { permission: 'oncall.read' },
      schema: {
        summary: 'Who is on call now on every schedule, and the next hand-offs',
        tags,
        response: { 200: ScheduleList },
      },
    },
    async () => ({ items: (await oncall.listOverviews()).map(present) }),
  );

  typed.post(
    '/api/v1/on-call/schedules',
    {
      config: { permission: 'oncall.manage' },
      schema: {
        summary: 'Create a schedule: a rotation of members through a pattern of shifts',
        description:
          'Each shift of `rotation.shifts` starts (`day`, `start` in `timeZone`) where the one ' +
          'before it ends, and the last ends where the first starts again a whole number of days ' +
          'later: a gap or an overlap is a 400 naming `rotation.shifts.N.start` (or `.length`). ' +
          'Members take the shifts in turn; each must be active staff with a role of the ' +
          "policy's `notices.onCall.eligibleRoles` (400 naming `rotation.members.N`).",
        tags,
        body: CreateSchedule,
        response: { 201: Schedule },
      },
    },
    async (request, reply) =>
      reply.status(201).send(present(await oncall.createSchedule(actorOf(request), request.body))),
  );

  typed.get(
    '/api/v1/on-call/schedules/:id',
    {
      config: { permission: 'oncall.read' },
      schema: {
        summary: 'One schedule: its rotation, overrides, who is on call now and next',
        tags,
        params: ScheduleRef,
        response: { 200: Schedule },
      },
    },
    async (request) => present(await oncall.getOverview(request.params.id)),
  );

  typed.patch(
    '/api/v1/on-call/schedules/:id',
    {
      config: { permission: 'oncall.manage' },
      schema: {
        summary: 'Rename a schedule or change its rotation',
        tags,
        params: ScheduleRef,
        body: UpdateSchedule,
        response: { 200: Schedule },
      },
    },
    async (request) =>
      present(await oncall.changeSchedule(actorOf(request), request.params.id, request.body)),
  );

  typed.delete(
    '/api/v1/on-call/schedules/:id',
    {
      config: { permission: 'oncall.manage' },
      schema: {
        summary: 'Remove a schedule (its record stays)',
        tags,
        params: ScheduleRef,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await oncall.removeSchedule(actorOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  typed.post(
    '/api/v1/on-call/schedules/:id/overrides',
    {
      config: { permission: 'oncall.manage' },
      schema: {
        summary: 'Someone covers a range: an override, which wins over the rotation',
        description:
          'A range in the past (`to` before now, `from` more than a minute before now), one ' +
          'overlapping another override, or a person who is not active staff with an eligible ' +
          'role is a 400 naming the field.',
        tags,
        params: ScheduleRef,
        body: CreateOverride,
        response: { 201: Schedule },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(present(await oncall.addOverride(actorOf(request), request.params.id, request.body))),
  );

  typed.delete(
    '/api/v1/on-call/schedules/:id/overrides/:overrideId',
    {
      config: { permission: 'oncall.manage' },
      schema: {
        summary: 'Remove an override',
        tags,
        params: OverrideRef,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await oncall.removeOverride(actorOf(request), request.params.id, request.params.overrideId);
      return reply.status(204).send(null);
    },
  );

  typed.get(
    '/api/v1/on-call/schedules/:id/shifts',
    {
      config: { permission: 'oncall.read' },
      schema: {
        summary: "A schedule's shifts over a range, overrides applied",
        description: 'From `from` (default now) to `to` (default 28 days later, at most 400).',
        tags,
        params: ScheduleRef,
        querystring: ShiftRange,
        response: { 200: ShiftList },
      },
    },
    async (request) => {
      const from = request.query.from ?? clock.now();
      const to = request.query.to ?? from + 28 * DAY;
      const found = await oncall.listShifts(request.params.id, from, to);
      return { items: found.shifts.map((s) => presentShift(found.names, s)) };
    },
  );

  typed.get(
    '/api/v1/on-call/people/:userId/shifts.ics',
    {
      config: { permission: 'oncall.read' },
      schema: {
        summary: "A person's on-call shifts on every schedule, as iCalendar (text/calendar)",
        description:
          'From `from` (default now) to `to` (default 90 days later, at most 400): one event ' +
          'per shift, overrides applied, with a stable UID so a re-import updates it.',
        tags,
        params: PersonRef,
        querystring: ShiftRange,
      },
    },
    async (request, reply) => {
      const from = request.query.from ?? clock.now();
      const to = request.query.to ?? from + 90 * DAY;
      const shifts = await oncall.listPersonShifts(request.params.userId, from, to);
      return reply
        .type('text/calendar; charset=utf-8')
        .header('content-disposition', 'attachment; filename="on-call.ics"')
        .send(shiftsCalendar(shifts, opts.baseUrl));
    },
  );
}
