// The embargo (issue 16, item 2): a security lead sets the disclosure date agreed with the
// reporter, no later than 90 days from the record; the scheduler publishes the vulnerability at
// that date and not a moment before, exactly once, also with two instances ticking the same
// PostgreSQL database; "embargo broken" publishes at once with its reason. Each step is a recorded
// decision. Only disclosure.publish may set or break an embargo. A vulnerability handled in an
// exercise is never embargoed or published.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/server/clock.ts';
import { loginAs } from '../helpers/auth.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { testDialect } from '../helpers/test-db.ts';
import { writeEditedPolicy } from '../helpers/policies.ts';
import { submitReport } from '../helpers/reports.ts';

type Who = { userId: string; headers: Record<string, string> };
let t: TestApp;
let lead: Who, responder: Who;

const DAY = 24 * 60 * 60 * 1000;
const url = '/api/v1/vulnerabilities';
const clock = new FakeClock('2026-12-04T09:00:00Z');
const call = (who: Who, method: 'GET' | 'POST' | 'PATCH', path: string, payload?: object) =>
  t.app.inject({ method, url: path, headers: who.headers, ...(payload ? { payload } : {}) });

beforeAll(async () => {
  t = await createTestApp({ clock });
  [lead, responder] = await Promise.all([loginAs(t, 'security_lead'), loginAs(t, 'responder')]);
});
afterAll(async () => t.close());

async function acceptedVulnerability(title: string): Promise<string> {
  const made = await call(responder, 'POST', url, { title });
  expect(made.statusCode, made.body).toBe(201);
  const key = made.json().key as string;
  const accepted = await call(responder, 'POST', `${url}/${key}/status`, {
    to: 'accepted',
    reason: 'Reproduced',
  });
  expect(accepted.statusCode).toBe(200);
  return key;
}

const publishedEvents = async (key: string) =>
  t.container.db
    .selectFrom('events')
    .innerJoin('vulnerabilities', 'vulnerabilities.id', 'events.stream_id')
    .select(['events.type', 'events.data_json'])
    .where('vulnerabilities.key', '=', key)
    .where('events.type', '=', 'vulnerability.published')
    .execute();

describe('the disclosure date', () => {
  it('is refused past the 90-day maximum, in the past, or by someone without disclosure.publish', async () => {
    const key = await acceptedVulnerability('Date rules');
    const late = await call(lead, 'POST', `${url}/${key}/embargo`, {
      disclosureAt: new Date(clock.now() + 91 * DAY).toISOString(),
      reason: 'Agreed with the reporter',
    });
    expect(late.statusCode).toBe(422);
    expect(late.headers['content-type']).toContain('application/problem+json');
    expect(late.json().errors).toEqual([
      {
        field: 'disclosureAt',
        message: 'must be no later than 2027-03-04T09:00:00.000Z (90 days from the record)',
      },
    ]);
    const past = await call(lead, 'POST', `${url}/${key}/embargo`, {
      disclosureAt: new Date(clock.now() - 1000).toISOString(),
      reason: 'x',
    });
    expect(past.statusCode).toBe(422);
    expect(past.json().errors[0].field).toBe('disclosureAt');
    const bad = await call(lead, 'POST', `${url}/${key}/embargo`, {
      disclosureAt: 'next Tuesday',
      reason: 'x',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('disclosureAt');
    const notTheirs = await call(responder, 'POST', `${url}/${key}/embargo`, {
      disclosureAt: new Date(clock.now() + DAY).toISOString(),
      reason: 'x',
    });
    expect(notTheirs.statusCode).toBe(403);
    expect(notTheirs.json().detail).toContain('disclosure.publish');
    const triage = (await call(responder, 'POST', url, { title: 'Still in triage' })).json().key;
    const early = await call(lead, 'POST', `${url}/${triage}/embargo`, {
      disclosureAt: new Date(clock.now() + DAY).toISOString(),
      reason: 'x',
    });
    expect(early.statusCode).toBe(422);
  });

  it('holds until the date, then the scheduler publishes it once', async () => {
    const key = await acceptedVulnerability('Released by the scheduler');
    const at = clock.now() + 30 * DAY;
    const set = await call(lead, 'POST', `${url}/${key}/embargo`, {
      disclosureAt: new Date(at).toISOString(),
      reason: 'Agreed with the reporter: the fix ships on the 1st',
    });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json().status).toBe('embargoed');
    expect(set.json().disclosureAt).toBe(new Date(at).toISOString());

    await t.container.workers.scheduler.tick(at - 1);
    const before = (await call(responder, 'GET', `${url}/${key}`)).json();
    expect(before.status).toBe('embargoed');
    expect(before.publishedAt).toBeNull();
    expect(await publishedEvents(key)).toEqual([]);

    await t.container.workers.scheduler.tick(at);
    await t.container.workers.scheduler.tick(at + 1);
    const after = (await call(responder, 'GET', `${url}/${key}`)).json();
    expect(after.status).toBe('published');
    expect(after.publishedAt).toBe(new Date(at).toISOString());
    expect(after.decisions.map((d: { to: string }) => d.to)).toEqual([
      'accepted',
      'embargoed',
      'published',
    ]);
    const events = await publishedEvents(key);
    expect(events).toHaveLength(1);
    expect(JSON.parse(events[0]!.data_json)).toMatchObject({ how: 'date' });
  });

  it('two instances ticking at the date publish it exactly once', async () => {
    // Several instances share a PostgreSQL database; on SQLite the ticks race in one process.
    const second =
      testDialect === 'postgres' ? await createTestApp({ database: t.database, clock }) : t;
    try {
      const key = await acceptedVulnerability('Two instances');
      const at = clock.now() + 2 * DAY;
      expect(
        (
          await call(lead, 'POST', `${url}/${key}/embargo`, {
            disclosureAt: new Date(at).toISOString(),
            reason: 'Agreed',
          })
        ).statusCode,
      ).toBe(200);
      const released = await Promise.all([
        t.container.workers.scheduler.tick(at),
        second.container.workers.scheduler.tick(at),
        t.container.workers.scheduler.tick(at),
        second.container.workers.scheduler.tick(at),
      ]);
      expect(released.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1);
      expect(await publishedEvents(key)).toHaveLength(1);
      // Its status-page entry was made once too, seen alike from either instance.
      for (const app of [t, second]) {
        const answer = await app.app.inject({ method: 'GET', url: '/api/v2/incidents.json' });
        const names = (answer.json().incidents as { name: string }[]).map((i) => i.name);
        expect(names.filter((n) => n.includes(key))).toEqual([
          `Security advisory ${key}: Two instances`,
        ]);
      }
    } finally {
      if (second !== t) await second.close();
    }
  });

  it('"embargo broken" publishes at once with its reason; there is nothing to break after', async () => {
    const key = await acceptedVulnerability('Broken embargo');
    await call(lead, 'POST', `${url}/${key}/embargo`, {
      disclosureAt: new Date(clock.now() + 60 * DAY).toISOString(),
      reason: 'Agreed',
    });
    const broken = await call(lead, 'POST', `${url}/${key}/embargo/break`, {
      reason: 'The details were posted on a public forum',
    });
    expect(broken.statusCode, broken.body).toBe(200);
    expect(broken.json().status).toBe('published');
    expect(broken.json().publishedAt).toBe(new Date(clock.now()).toISOString());
    expect(broken.json().decisions.at(-1)).toMatchObject({
      from: 'embargoed',
      to: 'published',
      reason: 'The details were posted on a public forum',
      decidedBy: lead.userId,
    });
    const again = await call(lead, 'POST', `${url}/${key}/embargo/break`, { reason: 'again' });
    expect(again.statusCode).toBe(422);
    await t.container.workers.scheduler.tick(clock.now() + 61 * DAY);
    const events = await publishedEvents(key);
    expect(events).toHaveLength(1);
    expect(JSON.parse(events[0]!.data_json)).toMatchObject({ how: 'broken' });
  });
});

describe('an exercise', () => {
  it('never publishes: no embargo, no embargo broken, and no exercise taken on on the way out', async () => {
    const drill = await call(lead, 'POST', '/api/v1/incidents', {
      title: 'Drill: a researcher reports a token leak',
      exercise: { kind: 'drill', scenario: 'A researcher writes to security@.' },
    });
    expect(drill.statusCode, drill.body).toBe(201);
    const exercise = drill.json().key as string;
    const made = await call(responder, 'POST', url, {
      title: 'DRILL-VULN-7Q token leak',
      incidents: [exercise],
    });
    expect(made.statusCode, made.body).toBe(201);
    const key = made.json().key as string;
    await call(responder, 'POST', `${url}/${key}/status`, { to: 'accepted', reason: 'Drill' });
    const refused = await call(lead, 'POST', `${url}/${key}/embargo`, {
      disclosureAt: new Date(clock.now() + DAY).toISOString(),
      reason: 'Agreed',
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().errors).toEqual([
      {
        field: 'incidents.0',
        message: 'is an exercise; a vulnerability handled in it is never published',
      },
    ]);
    const notBroken = await call(lead, 'POST', `${url}/${key}/embargo/break`, { reason: 'x' });
    expect(notBroken.statusCode).toBe(422);

    // A real one set for publication cannot take the exercise on, so the release never sees it.
    const real = await acceptedVulnerability('Real, embargoed');
    const set = await call(lead, 'POST', `${url}/${real}/embargo`, {
      disclosureAt: new Date(clock.now() + DAY).toISOString(),
      reason: 'Agreed',
    });
    expect(set.statusCode, set.body).toBe(200);
    const joined = await call(responder, 'PATCH', `${url}/${real}`, { incidents: [exercise] });
    expect(joined.statusCode).toBe(422);
    expect(joined.json().errors[0].field).toBe('incidents.0');

    await t.container.workers.scheduler.tick(clock.now() + 2 * DAY);
    expect(await publishedEvents(key)).toHaveLength(0);
    expect(await publishedEvents(real)).toHaveLength(1);
    for (const path of ['/advisories', '/advisories.atom', '/status', '/api/v2/incidents.json']) {
      const page = await t.app.inject({ method: 'GET', url: path });
      expect(page.statusCode, path).toBe(200);
      expect(page.body, path).not.toContain('DRILL-VULN-7Q');
      expect(page.body, path).not.toContain(key);
    }
  });
});

describe("the policy's longest embargo", () => {
  it("is the policy's disclosure.maxEmbargo, counted from the report the vulnerability came from", async () => {
    const reportClock = new FakeClock('2026-12-04T09:00:00Z');
    const own = await createTestApp({
      clock: reportClock,
      env: { STOPLINE_POLICY: writeEditedPolicy('  maxEmbargo: 90d\n', '  maxEmbargo: 30d\n') },
    });
    try {
      const ask = (who: Who, path: string, payload: object) =>
        own.app.inject({ method: 'POST', url: path, headers: who.headers, payload });
      const reported = await submitReport(own, 'Reported ten days before the record');
      reportClock.advance(10 * DAY);
      const [ownLead, ownResponder] = [
        await loginAs(own, 'security_lead'),
        await loginAs(own, 'responder'),
      ];
      const made = await ask(ownResponder, url, {
        title: 'From a report',
        reports: [reported.key],
      });
      const key = made.json().key as string;
      await ask(ownResponder, `${url}/${key}/status`, { to: 'accepted', reason: 'Reproduced' });
      // 30 days from the report is 20 days from now.
      const late = await ask(ownLead, `${url}/${key}/embargo`, {
        disclosureAt: new Date(reportClock.now() + 21 * DAY).toISOString(),
        reason: 'Agreed',
      });
      expect(late.statusCode).toBe(422);
      expect(late.json().errors).toEqual([
        {
          field: 'disclosureAt',
          message: 'must be no later than 2027-01-03T09:00:00.000Z (30 days from the report)',
        },
      ]);
      const inTime = await ask(ownLead, `${url}/${key}/embargo`, {
        disclosureAt: new Date(reportClock.now() + 20 * DAY).toISOString(),
        reason: 'Agreed',
      });
      expect(inTime.statusCode, inTime.body).toBe(200);
    } finally {
      await own.close();
    }
  });
});

describe('pre-notified parties', () => {
  it('are recorded with when they were told and when they acknowledged, by disclosure.publish only', async () => {
    const key = await acceptedVulnerability('Told a distributor first');
    const told = await call(lead, 'POST', `${url}/${key}/parties`, {
      name: 'Distro security team',
      contact: 'security@distro.example, PGP',
    });
    expect(told.statusCode, told.body).toBe(200);
    const [party] = told.json().notifiedParties;
    expect(party).toMatchObject({
      name: 'Distro security team',
      contact: 'security@distro.example, PGP',
      notifiedAt: new Date(clock.now()).toISOString(),
      notifiedBy: lead.userId,
      acknowledgedAt: null,
    });
    expect((await call(responder, 'POST', `${url}/${key}/parties`, { name: 'X' })).statusCode).toBe(
      403,
    );
    expect((await call(lead, 'POST', `${url}/${key}/parties`, { name: '' })).statusCode).toBe(400);

    const ackUrl = `${url}/${key}/parties/${party.id}/acknowledge`;
    const early = await call(lead, 'POST', ackUrl, {
      acknowledgedAt: new Date(clock.now() - DAY).toISOString(),
    });
    expect(early.statusCode).toBe(422);
    expect(early.json().errors[0].field).toBe('acknowledgedAt');
    const acked = await call(lead, 'POST', ackUrl, {});
    expect(acked.statusCode, acked.body).toBe(200);
    expect(acked.json().notifiedParties[0].acknowledgedAt).toBe(
      new Date(clock.now()).toISOString(),
    );
    expect((await call(lead, 'POST', ackUrl, {})).statusCode).toBe(422);
    expect(
      (await call(lead, 'POST', `${url}/${key}/parties/no-such-party/acknowledge`, {})).statusCode,
    ).toBe(404);
    const read = (await call(responder, 'GET', `${url}/${key}`)).json();
    expect(read.notifiedParties).toHaveLength(1);

    const triage = (await call(responder, 'POST', url, { title: 'Not yet accepted' })).json().key;
    expect((await call(lead, 'POST', `${url}/${triage}/parties`, { name: 'X' })).statusCode).toBe(
      422,
    );
  });
});
