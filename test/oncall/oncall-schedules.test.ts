// On-call schedules (issue 21, item 2), through the HTTP API with an injected clock: a weekly
// rotation hands off at the exact boundary, an override wins over the rotation, a daily
// follow-the-clock rotation in Europe/Berlin keeps its 09:00 and 21:00 hand-offs across the change
// to summer time, and a person's shifts come as an iCalendar file. Bad input is a problem+json
// naming the field: a gap or an overlap in the pattern, an override in the past or over another,
// an unknown user, a user without an eligible role, an unknown time zone. Admins and security
// leads manage schedules; staff read them. Callers use API tokens: the clock moves by weeks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listStreamEvents } from '../../src/server/db/event-store.ts';
import { createTokenFor, createUser } from '../helpers/auth.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
type Headers = Record<string, string>;
let admin: Headers;
let lead: Headers;
let responder: Headers;
let viewer: Headers;
let ana: { id: string };
let ben: { id: string };
let cem: { id: string };
let comms: { id: string };

beforeAll(async () => {
  t = await createTestApp();
  admin = (await createTokenFor(t, 'admin')).headers;
  lead = (await createTokenFor(t, 'security_lead')).headers;
  responder = (await createTokenFor(t, 'responder')).headers;
  viewer = (await createTokenFor(t, 'viewer')).headers;
  ana = await createUser(t, { roles: ['responder'], displayName: 'Ana Responder' });
  ben = await createUser(t, { roles: ['responder'], displayName: 'Ben Responder' });
  cem = await createUser(t, { roles: ['security_lead'], displayName: 'Cem Lead' });
  comms = await createUser(t, { roles: ['comms'], displayName: 'Cleo Comms' });
});
afterAll(async () => t.close());

async function call(
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  headers: Headers,
  payload?: object,
) {
  return t.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
}

const weekly = (members: string[], name = `Weekly ${members.length} ${Math.random()}`) => ({
  name,
  rotation: {
    timeZone: 'Europe/Berlin',
    startsOn: '2026-03-02',
    shifts: [{ start: '09:00', length: '1w' }],
    members,
  },
});

function fieldErrors(res: {
  statusCode: number;
  headers: Record<string, unknown>;
  json(): unknown;
}) {
  expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  return Object.fromEntries(
    ((res.json() as { errors: { field: string; message: string }[] }).errors ?? []).map((e) => [
      e.field,
      e.message,
    ]),
  );
}

describe('a weekly rotation', () => {
  let id: string;
  beforeAll(async () => {
    t.clock.set('2026-03-02T09:00:00Z'); // Monday, 10:00 in Berlin
    const res = await call(
      'POST',
      '/api/v1/on-call/schedules',
      lead,
      weekly([ana.id, ben.id], 'Security on call'),
    );
    expect(res.statusCode, res.body).toBe(201);
    id = res.json().id;
  });

  it('says who is on call now and who takes over at the next hand-off', async () => {
    const res = await call('GET', '/api/v1/on-call', viewer);
    expect(res.statusCode).toBe(200);
    const schedule = res.json().items.find((s: { id: string }) => s.id === id);
    expect(schedule.now).toMatchObject({
      user: { id: ana.id, displayName: 'Ana Responder' },
      from: '2026-03-02T08:00:00.000Z',
      to: '2026-03-09T08:00:00.000Z',
      source: 'rotation',
    });
    expect(schedule.next[0]).toMatchObject({
      user: { id: ben.id },
      from: '2026-03-09T08:00:00.000Z',
    });
    expect(schedule.rotation.members.map((m: { displayName: string }) => m.displayName)).toEqual([
      'Ana Responder',
      'Ben Responder',
    ]);
  });

  it('hands off at the exact boundary: 09:00 in Berlin the next Monday', async () => {
    t.clock.set('2026-03-09T07:59:59.999Z');
    expect((await call('GET', `/api/v1/on-call/schedules/${id}`, viewer)).json().now.user.id).toBe(
      ana.id,
    );
    t.clock.set('2026-03-09T08:00:00.000Z');
    expect((await call('GET', `/api/v1/on-call/schedules/${id}`, viewer)).json().now.user.id).toBe(
      ben.id,
    );
  });

  it('an override wins over the rotation for its range, then the rotation resumes', async () => {
    t.clock.set('2026-03-10T09:00:00Z');
    const added = await call('POST', `/api/v1/on-call/schedules/${id}/overrides`, lead, {
      userId: cem.id,
      from: '2026-03-10T10:00:00Z',
      to: '2026-03-10T12:00:00Z',
      reason: 'Ben at the dentist',
    });
    expect(added.statusCode, added.body).toBe(201);
    expect(added.json().overrides).toMatchObject([
      { user: { id: cem.id }, reason: 'Ben at the dentist' },
    ]);
    expect(added.json().next.slice(0, 2)).toMatchObject([
      { user: { id: cem.id }, from: '2026-03-10T10:00:00.000Z', source: 'override' },
      { user: { id: ben.id }, from: '2026-03-10T12:00:00.000Z', source: 'rotation' },
    ]);
    t.clock.set('2026-03-10T10:00:00Z');
    expect((await call('GET', `/api/v1/on-call/schedules/${id}`, viewer)).json().now).toMatchObject(
      {
        user: { id: cem.id },
        source: 'override',
        to: '2026-03-10T12:00:00.000Z',
      },
    );
    t.clock.set('2026-03-10T12:00:00Z');
    expect((await call('GET', `/api/v1/on-call/schedules/${id}`, viewer)).json().now.user.id).toBe(
      ben.id,
    );
    // Recorded on the schedule's own stream.
    const events = await listStreamEvents(t.container.db, id);
    expect(events.map((e) => e.type)).toEqual(['oncall.schedule_created', 'oncall.override_added']);
  });

  it("exports a person's shifts as iCalendar, overrides included", async () => {
    const res = await call(
      'GET',
      `/api/v1/on-call/people/${cem.id}/shifts.ics?from=2026-03-10T00:00:00Z&to=2026-03-20T00:00:00Z`,
      viewer,
    );
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/calendar/);
    expect(res.body).toContain('BEGIN:VCALENDAR');
    expect(res.body.match(/BEGIN:VEVENT/g)).toHaveLength(1);
    expect(res.body).toContain('DTSTART:20260310T100000Z');
    expect(res.body).toContain('DTEND:20260310T120000Z');
    expect(res.body).toContain('SUMMARY:On call: Security on call');
    const anas = await call(
      'GET',
      `/api/v1/on-call/people/${ana.id}/shifts.ics?from=2026-03-01T00:00:00Z&to=2026-03-31T00:00:00Z`,
      viewer,
    );
    // Ana: the weeks of 2 March, 16 March and 30 March (the last begins at 09:00 summer time).
    expect(anas.body.match(/BEGIN:VEVENT/g)).toHaveLength(3);
    expect(anas.body).toContain('DTSTART:20260316T080000Z');
    expect(anas.body).toContain('DTSTART:20260330T070000Z');
  });
});

describe('a daily rotation across the change to summer time', () => {
  it('hands off at 09:00 and 21:00 Berlin time on both sides of 29 March', async () => {
    t.clock.set('2026-03-20T12:00:00Z');
    const res = await call('POST', '/api/v1/on-call/schedules', admin, {
      name: 'Follow the clock',
      rotation: {
        timeZone: 'Europe/Berlin',
        startsOn: '2026-03-20',
        shifts: [
          { start: '09:00', length: '12h' },
          { start: '21:00', length: '12h' },
        ],
        members: [ana.id, ben.id, cem.id],
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json().id;
    const shifts = await call(
      'GET',
      `/api/v1/on-call/schedules/${id}/shifts?from=2026-03-28T07:00:00Z&to=2026-03-30T08:00:00Z`,
      viewer,
    );
    expect(shifts.statusCode, shifts.body).toBe(200);
    const times = shifts.json().items.map((s: { from: string; to: string }) => [s.from, s.to]);
    expect(times).toEqual([
      ['2026-03-27T20:00:00.000Z', '2026-03-28T08:00:00.000Z'], // 21:00 CET - 09:00 CET
      ['2026-03-28T08:00:00.000Z', '2026-03-28T20:00:00.000Z'], // 09:00 - 21:00 CET
      ['2026-03-28T20:00:00.000Z', '2026-03-29T07:00:00.000Z'], // 21:00 CET - 09:00 CEST: 11 h
      ['2026-03-29T07:00:00.000Z', '2026-03-29T19:00:00.000Z'], // 09:00 - 21:00 CEST
      ['2026-03-29T19:00:00.000Z', '2026-03-30T07:00:00.000Z'],
      ['2026-03-30T07:00:00.000Z', '2026-03-30T19:00:00.000Z'],
    ]);
    // Members in turn, shift after shift: 20 March 09:00 is Ana's (shift 0), so 27 March 21:00 is
    // shift 15, Ana's again.
    const order = shifts.json().items.map((s: { user: { id: string } }) => s.user.id);
    expect(order).toEqual([ana.id, ben.id, cem.id, ana.id, ben.id, cem.id]);
  });
});

describe('bad input', () => {
  const post = (body: object, headers = admin) =>
    call('POST', '/api/v1/on-call/schedules', headers, body);

  it('refuses a pattern with a gap or an overlap, naming the shift', async () => {
    const gap = await post({
      name: 'Gap',
      rotation: {
        timeZone: 'UTC',
        startsOn: '2026-04-01',
        shifts: [{ start: '09:00', length: '12h' }],
        members: [ana.id],
      },
    });
    expect(gap.statusCode).toBe(400);
    expect(fieldErrors(gap)['rotation.shifts.0.length']).toMatch(/gap of 12 h/);
    const overlap = await post({
      name: 'Overlap',
      rotation: {
        timeZone: 'UTC',
        startsOn: '2026-04-01',
        shifts: [
          { start: '09:00', length: '12h' },
          { start: '18:00', length: '15h' },
        ],
        members: [ana.id],
      },
    });
    expect(overlap.statusCode).toBe(400);
    expect(fieldErrors(overlap)['rotation.shifts.1.start']).toMatch(
      /overlaps the shift before it, which ends at day 0 21:00/,
    );
    const hole = await post({
      name: 'Hole',
      rotation: {
        timeZone: 'UTC',
        startsOn: '2026-04-01',
        shifts: [
          { start: '09:00', length: '8h' },
          { start: '18:00', length: '15h' },
        ],
        members: [ana.id],
      },
    });
    expect(fieldErrors(hole)['rotation.shifts.1.start']).toMatch(
      /leaves a gap after the shift before it, which ends at day 0 17:00/,
    );
  });

  it('refuses an unknown user, a user without an eligible role, a repeated member, an unknown time zone', async () => {
    const res = await post({
      name: 'People',
      rotation: {
        timeZone: 'Mars/Olympus',
        startsOn: '2026-04-01',
        shifts: [{ start: '09:00', length: '1d' }],
        members: [ana.id, '0195aaaa-0000-7000-8000-000000000000', comms.id, ana.id],
      },
    });
    expect(res.statusCode).toBe(400);
    const errors = fieldErrors(res);
    expect(errors['rotation.timeZone']).toMatch(/not a time zone/);
    expect(errors['rotation.members.1']).toBe('is not an active member of staff');
    expect(errors['rotation.members.2']).toMatch(
      /Cleo Comms cannot be on call: the policy's onCall.eligibleRoles are responder, security_lead/,
    );
    expect(errors['rotation.members.3']).toBe('is already a member above');
  });

  it('refuses a shift length that is not a length', async () => {
    const res = await post(weekly([ana.id], 'Lengthless'), admin).then(() =>
      post({
        ...weekly([ana.id], 'Bad length'),
        rotation: { ...weekly([ana.id]).rotation, shifts: [{ start: '25:00', length: 'soon' }] },
      }),
    );
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(res.body).toMatch(/shifts/);
  });

  it('refuses an override in the past, over another, or for someone who cannot be on call', async () => {
    t.clock.set('2026-04-01T12:00:00Z');
    const created = await post(weekly([ana.id], 'Overrides'));
    const id = created.json().id;
    const add = (body: object) =>
      call('POST', `/api/v1/on-call/schedules/${id}/overrides`, lead, body);
    const past = await add({
      userId: ben.id,
      from: '2026-04-01T08:00:00Z',
      to: '2026-04-01T11:00:00Z',
    });
    expect(past.statusCode).toBe(400);
    expect(fieldErrors(past)).toMatchObject({
      to: expect.stringMatching(/is in the past/),
      from: expect.stringMatching(/is in the past/),
    });
    const ok = await add({
      userId: ben.id,
      from: '2026-04-02T08:00:00Z',
      to: '2026-04-02T20:00:00Z',
    });
    expect(ok.statusCode, ok.body).toBe(201);
    const clash = await add({
      userId: cem.id,
      from: '2026-04-02T19:00:00Z',
      to: '2026-04-02T22:00:00Z',
    });
    expect(fieldErrors(clash).from).toMatch(/overlaps another override/);
    const wrongRole = await add({
      userId: comms.id,
      from: '2026-04-03T08:00:00Z',
      to: '2026-04-03T09:00:00Z',
    });
    expect(fieldErrors(wrongRole).userId).toMatch(/cannot be on call/);
    // Removing the override gives the time back to the rotation.
    const overrideId = ok.json().overrides[0].id;
    expect(
      (await call('DELETE', `/api/v1/on-call/schedules/${id}/overrides/${overrideId}`, lead))
        .statusCode,
    ).toBe(204);
    t.clock.set('2026-04-02T09:00:00Z');
    expect((await call('GET', `/api/v1/on-call/schedules/${id}`, viewer)).json().now.user.id).toBe(
      ana.id,
    );
  });
});

describe('who may do what', () => {
  it('staff read; only admins and security leads manage', async () => {
    expect((await call('GET', '/api/v1/on-call', viewer)).statusCode).toBe(200);
    const refused = await call('POST', '/api/v1/on-call/schedules', responder, weekly([ana.id]));
    expect(refused.statusCode).toBe(403);
    expect(refused.json().detail).toMatch(/oncall.manage/);
    const anon = await call('GET', '/api/v1/on-call', {});
    expect(anon.statusCode).toBe(401);
  });
});
