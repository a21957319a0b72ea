// A person's iCalendar feed (issue 14, item 8): made, rotated and revoked through the API, its URL
// carrying a secret stored only as a hash; parsed with ical.js it holds the deadlines its owner may
// see, their follow-ups due and the policy's scheduled exercises (marked EXERCISE), at UTC times,
// with UIDs that do not change between fetches. Hostile titles stay text; a restricted incident's
// title never reaches whoever may not see it; a revoked or rotated secret, or a disabled account,
// gets 404 and nothing else. Injected clock, both databases.
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/server/clock.ts';
import { Scheduler } from '../../src/server/workers/scheduler.ts';
import { createUser, signIn } from '../helpers/auth.ts';
import { declareOwned } from '../helpers/incidents-context.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
type Person = { userId: string; email: string; password: string; headers: Record<string, string> };
let owner: Person;
let outsider: Person;
let admin: Person;
let open: { id: string; key: string };
let secret: { id: string; key: string };
let drill: string;

const HOSTILE = 'Evil\r\nDTSTART:19700101T000000Z\r\nX-INJECTED:yes;a,b <script>alert(1)</script>';
const HOSTILE_FOLLOW_UP = 'Rotate keys;now,\r\nEND:VEVENT <img src=x onerror=alert(1)>';

async function person(role: string): Promise<Person> {
  const user = await createUser(t, { roles: [role] });
  const headers = await signIn(t, user.email, user.password);
  return { userId: user.id, email: user.email, password: user.password, headers };
}
const inject = (
  who: Person,
  method: 'GET' | 'POST' | 'DELETE' | 'PATCH',
  url: string,
  payload?: object,
) => t.app.inject({ method, url, headers: who.headers, ...(payload ? { payload } : {}) });

/** The path and query of a feed URL, for app.inject. */
const pathOf = (url: string) => {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
};

interface Entry {
  uid: string;
  summary: string;
  start: string;
  utc: boolean;
  categories: string[];
  url: string;
}

function parse(text: string): Entry[] {
  const calendar = new ICAL.Component(ICAL.parse(text) as unknown[]);
  return calendar.getAllSubcomponents('vevent').map((v) => {
    const event = new ICAL.Event(v);
    return {
      uid: event.uid,
      summary: event.summary,
      start: event.startDate.toJSDate().toISOString(),
      utc: event.startDate.zone?.tzid === 'UTC',
      categories: v.getAllProperties('categories').flatMap((p) => p.getValues() as string[]),
      url: String(v.getFirstPropertyValue('url')),
    };
  });
}

async function fetchFeed(url: string) {
  return t.app.inject({ method: 'GET', url: pathOf(url) });
}

async function feedOf(url: string): Promise<{ text: string; entries: Entry[] }> {
  const res = await fetchFeed(url);
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/calendar/);
  return { text: res.body, entries: parse(res.body) };
}

async function newFeed(who: Person): Promise<string> {
  const res = await inject(who, 'POST', '/api/v1/account/calendar-feed');
  expect(res.statusCode, res.body).toBe(201);
  return res.json().url as string;
}

beforeAll(async () => {
  t = await createTestApp({ clock: new FakeClock('2026-03-02T09:00:00Z') }); // a Monday
  owner = await person('responder');
  outsider = await person('responder');
  admin = await person('admin');
  open = await declareOwned(t, owner.userId, HOSTILE, 'P2');
  secret = await declareOwned(t, owner.userId, 'Secret merger leak', 'P1', true);
  const pm = `/api/v1/incidents/${open.key}/postmortem`;
  expect((await inject(owner, 'POST', pm)).statusCode).toBe(201);
  const added = await inject(owner, 'POST', `${pm}/follow-ups`, {
    title: HOSTILE_FOLLOW_UP,
    ownerId: owner.userId,
    dueAt: '2026-03-10T12:00:00Z',
    type: 'prevent',
  });
  expect(added.statusCode, added.body).toBe(201);
  const declared = await inject(owner, 'POST', '/api/v1/incidents', {
    title: 'Fire drill',
    exercise: { kind: 'drill', scenario: 'Pull the plug.' },
  });
  expect(declared.statusCode, declared.body).toBe(201);
  drill = declared.json().key as string;
  // The policy's schedule starts its current periods at the scheduler's tick.
  const scheduler = new Scheduler({
    deadlines: t.container.services.clocks,
    schedule: t.container.services.clocks,
    clock: t.clock,
    workerId: 'test',
  });
  await scheduler.tick(t.clock.now());
});
afterAll(async () => t.close());

describe('the iCalendar feed', () => {
  let ownerUrl: string;

  it('is made once per person, shown once as a URL, stored only as a hash', async () => {
    const before = await inject(owner, 'GET', '/api/v1/account/calendar-feed');
    expect(before.json()).toEqual({ active: false, createdAt: null, lastUsedAt: null });
    ownerUrl = await newFeed(owner);
    expect(ownerUrl).toMatch(/^http.+\/api\/v1\/calendar\.ics\?token=stl_cal_[A-Za-z0-9_-]{43}$/);
    const token = new URL(ownerUrl).searchParams.get('token')!;
    const rows = await t.container.db.selectFrom('calendar_feeds').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(token);
    const after = await inject(owner, 'GET', '/api/v1/account/calendar-feed');
    expect(after.json()).toMatchObject({ active: true, createdAt: '2026-03-02T09:00:00.000Z' });
    expect(after.body).not.toContain(token);
  });

  it("holds the owner's deadlines, follow-ups and the scheduled exercises at their UTC times", async () => {
    const { text, entries } = await feedOf(ownerUrl);
    // Every start is UTC; nothing from 1970 was injected by a title.
    expect(entries.every((e) => e.utc)).toBe(true);
    expect(entries.map((e) => e.start.slice(0, 4)).filter((y) => y < '2026')).toEqual([]);
    expect(text).not.toMatch(/^DTSTART:1970/m);
    expect(text).not.toMatch(/^X-INJECTED/m);

    // The response deadlines of both incidents: the owner takes part in the restricted one.
    const response = entries.filter((e) => e.summary.startsWith('Due: respond to the incident'));
    expect(response.map((e) => e.summary).sort()).toEqual(
      [
        `Due: respond to the incident — ${open.key} ${HOSTILE.replace(/\r\n/g, ' ')}`,
        `Due: respond to the incident — ${secret.key} Secret merger leak`,
      ].sort(),
    );
    const p2 = response.find((e) => e.summary.includes(open.key))!;
    const row = await t.container.db
      .selectFrom('deadlines')
      .select(['id', 'due_at'])
      .where('subject_id', '=', open.id)
      .where('kind', '=', 'response')
      .executeTakeFirstOrThrow();
    expect(p2.uid).toBe(`deadline-${row.id}@localhost`);
    expect(p2.start).toBe(new Date(Number(row.due_at)).toISOString());
    expect(p2.url).toContain(`/app/incidents/${open.key}`);
    expect(p2.categories).toEqual(['Deadline']);

    // The follow-up, its hostile title as text on one line (`;` and `,` escaped, then undone by
    // the parser).
    expect(text).toContain('Rotate keys\\;now\\,');
    const followUp = entries.find((e) => e.summary.startsWith('Follow-up due:'))!;
    expect(followUp).toMatchObject({
      summary: `Follow-up due: ${HOSTILE_FOLLOW_UP.replace(/\r\n/g, ' ')} — ${open.key}`,
      start: '2026-03-10T12:00:00.000Z',
      categories: ['Follow-up'],
    });
    expect(entries.filter((e) => e.summary.startsWith('Follow-up due:'))).toHaveLength(1);

    // The schedule (Kai section 10): exercises say EXERCISE, reviews do not.
    const tabletop = entries.find((e) => e.uid.startsWith('schedule-quarterly_tabletop-'))!;
    expect(tabletop).toMatchObject({
      uid: 'schedule-quarterly_tabletop-2026-01@localhost',
      summary: 'EXERCISE: Quarterly tabletop exercise (tabletop exercise)',
      start: '2026-04-01T00:00:00.000Z',
      categories: ['Schedule', 'EXERCISE'],
    });
    expect(entries.find((e) => e.uid.startsWith('schedule-annual_red_team-'))).toMatchObject({
      summary: 'EXERCISE: Annual red team exercise (red team exercise)',
      start: '2027-01-01T00:00:00.000Z',
    });
    const review = entries.find((e) => e.uid.startsWith('schedule-process_review-'))!;
    expect(review.summary).not.toContain('EXERCISE');
    expect(review.categories).toEqual(['Schedule']);
  });

  it("marks an exercise's deadlines EXERCISE", async () => {
    const { entries } = await feedOf(ownerUrl);
    const ofDrill = entries.filter((e) => e.summary.includes(drill));
    expect(ofDrill.length).toBeGreaterThan(0);
    for (const e of ofDrill) {
      expect(e.summary).toMatch(/^EXERCISE: Due: /);
      expect(e.categories).toContain('EXERCISE');
    }
  });

  it('keeps every UID from one fetch to the next', async () => {
    const first = (await feedOf(ownerUrl)).entries.map((e) => e.uid).sort();
    t.clock.advance(5 * 60_000);
    const second = (await feedOf(ownerUrl)).entries.map((e) => e.uid).sort();
    expect(second).toEqual(first);
    expect(new Set(first).size).toBe(first.length);
  });

  it('never names a restricted incident to whoever may not see it', async () => {
    const url = await newFeed(outsider);
    const { text, entries } = await feedOf(url);
    expect(entries.some((e) => e.summary.includes(open.key))).toBe(true);
    expect(text).not.toContain('Secret merger leak');
    expect(text).not.toContain(secret.key);
    expect(entries.some((e) => e.summary.startsWith('EXERCISE: Quarterly tabletop'))).toBe(true);
    // Follow-ups of incidents they may see are on the Follow-ups page, and in the feed.
    expect(entries.filter((e) => e.summary.startsWith('Follow-up due:'))).toHaveLength(1);
  });

  it('rotated, the old URL answers 404 with nothing of the feed; the new one works', async () => {
    const rotated = await newFeed(owner);
    expect(rotated).not.toBe(ownerUrl);
    const old = await fetchFeed(ownerUrl);
    expect(old.statusCode).toBe(404);
    expect(old.body).not.toContain('VCALENDAR');
    expect(old.body).not.toContain(open.key);
    expect((await feedOf(rotated)).entries.length).toBeGreaterThan(3);
    ownerUrl = rotated;
  });

  it('revoked, it answers 404; an unknown secret too; none at all is a 400', async () => {
    const revoked = await inject(owner, 'DELETE', '/api/v1/account/calendar-feed');
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json()).toMatchObject({ active: false });
    const res = await fetchFeed(ownerUrl);
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(res.body).not.toContain('VCALENDAR');
    const guessed = await t.app.inject({
      method: 'GET',
      url: '/api/v1/calendar.ics?token=stl_cal_x',
    });
    expect(guessed.statusCode).toBe(404);
    const none = await t.app.inject({ method: 'GET', url: '/api/v1/calendar.ics' });
    expect(none.statusCode).toBe(400);
  });

  it("a disabled account's feed stops", async () => {
    const url = await newFeed(outsider);
    expect((await fetchFeed(url)).statusCode).toBe(200);
    const disabled = await inject(admin, 'PATCH', `/api/v1/users/${outsider.userId}`, {
      status: 'disabled',
    });
    expect(disabled.statusCode, disabled.body).toBe(200);
    const res = await fetchFeed(url);
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain('VCALENDAR');
  });

  it('never writes a feed secret to the logs', async () => {
    const url = await newFeed(admin);
    await feedOf(url);
    const token = new URL(url).searchParams.get('token')!;
    expect(t.logs.join('\n')).not.toContain(token);
  });
});
