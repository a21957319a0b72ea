// Only the legal role and admins see a breach record's details (issue 15, "Bad input"): everyone
// else on the incident learns that a record exists and its clocks, and nothing of what is on it.
// A record holding a marker word in every field, determination, notice, contact and submission is
// looked for on every path a responder, a security lead and a viewer read: the incident list and
// its text search, the incident and its timeline, decisions, deadlines and tasks, the deadlines
// list, the audit trail, the live stream, and the e-mails the clocks send them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/server/clock.ts';
import { Scheduler } from '../../src/server/workers/scheduler.ts';
import { createTokenFor } from '../helpers/auth.ts';
import { recordDeterminations } from '../helpers/breach.ts';
import { subscribe, type SseStream } from '../helpers/sse-client.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

type Who = { userId: string; headers: Record<string, string> };
let t: TestApp;
let legal: Who, responder: Who, lead: Who, viewer: Who;
let key = '';
let path = '';
const streams: SseStream[] = [];

// Friday 4 December 2026, 11:00 UTC.
const clock = new FakeClock('2026-12-04T11:00:00Z');
/** In every detail of the record; found on no path but the legal role's. */
const MARK = 'Zanzibar';

const call = (who: Who, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) =>
  t.app.inject({
    method,
    url,
    headers: {
      ...who.headers,
      ...(typeof payload === 'string' ? { 'content-type': 'text/csv' } : {}),
    },
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });

async function ok(who: Who, method: 'POST' | 'PATCH', url: string, payload?: unknown) {
  const res = await call(who, method, url, payload);
  expect(res.statusCode, res.body).toBeLessThan(300);
  return res.json();
}

beforeAll(async () => {
  t = await createTestApp({ clock });
  [legal, responder, lead, viewer] = await Promise.all([
    createTokenFor(t, 'legal'),
    createTokenFor(t, 'responder'),
    createTokenFor(t, 'security_lead'),
    createTokenFor(t, 'viewer'),
  ]);
  // Each non-legal user follows the live stream from before the record exists.
  for (const who of [responder, lead, viewer]) streams.push(await subscribe(t, who.headers));
  const created = await ok(responder, 'POST', '/api/v1/incidents', {
    title: 'Shared drive link sent to the wrong customer',
  });
  key = created.key;
  path = `/api/v1/incidents/${key}/breach`;
  await ok(legal, 'POST', path, {
    status: 'confirmed',
    awareHow: `A customer in ${MARK} wrote to support`,
    awareBy: `${MARK} support desk`,
    nature: ['confidentiality'],
    dataCategories: [{ name: `${MARK} health records`, special: true }],
    people: { count: 734, estimate: false },
    peopleCategories: [`${MARK} patients`],
    residence: [{ place: `${MARK}-TZ`, count: 734 }],
    consequences: `${MARK}: discrimination`,
    riskLikelihood: 'likely',
    riskSeverity: 'high',
    riskRationale: `${MARK} diagnoses`,
    measuresTaken: `${MARK} link revoked`,
    measuresProposed: `${MARK} advice`,
    contactPoint: `dpo-${MARK}@example.org`,
  });
  await recordDeterminations(
    t,
    key,
    legal.headers,
    [['became_aware', '2026-12-04T10:00:00Z'], ['personal_data_involved'], ['high_risk']],
    `${MARK} rationale`,
  );
  const drafted = await ok(legal, 'POST', `${path}/notices`, {
    regimeId: 'gdpr',
    stageId: 'authority',
  });
  const notice = drafted.details.notices.find(
    (n: { audience: string }) => n.audience === 'authority',
  );
  await ok(legal, 'PATCH', `${path}/notices/${notice.id}`, {
    subject: `${MARK} notification`,
    text: `${MARK} letter`,
  });
  await ok(legal, 'POST', `${path}/contacts`, `name,email\n${MARK} Person,zanzibar@example.org\n`);
  await ok(legal, 'POST', `${path}/submissions`, {
    regimeId: 'gdpr',
    stageId: 'authority',
    part: 'initial',
    submittedAt: '2026-12-04T11:00:00Z',
    recipient: `${MARK} authority`,
    reference: `${MARK}-CASE-1`,
    copy: { text: `${MARK} copy` },
  });
  // The people's stage (72 h from the high-risk decision) runs its ladder: reminders, then
  // the escalation at the due time to the security lead and the executive sponsor.
  const scheduler = new Scheduler({
    deadlines: t.container.services.clocks,
    clock: t.clock,
    workerId: 'test',
  });
  for (const time of ['2026-12-05T23:00:00Z', '2026-12-07T11:00:00Z', '2026-12-08T11:00:00Z']) {
    t.clock.set(time);
    await scheduler.tick(t.clock.now());
  }
});
afterAll(async () => {
  for (const s of streams) s.close();
  await t.close();
});

const seenBy = (who: Who, url: string) =>
  call(who, 'GET', url).then((res) => {
    expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
    return res.body;
  });

describe('the legal role sees the details', () => {
  it('the record, as the marker shows', async () => {
    expect(await seenBy(legal, path)).toContain(`${MARK}-CASE-1`);
  });
});

describe.each([
  ['a responder on the incident', () => responder],
  ['a security lead', () => lead],
  ['a viewer', () => viewer],
])('%s', (_name, who) => {
  it('sees that the record exists and its clocks, and none of its details', async () => {
    const res = await call(who(), 'GET', path);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.details).toBeNull();
    const stages = body.regimes.find((r: { regimeId: string }) => r.regimeId === 'gdpr').stages;
    expect(
      stages.map((s: { stageId: string; status: string }) => `${s.stageId} ${s.status}`),
    ).toEqual(['authority submitted', 'individuals running']);
    expect(res.body).not.toContain(MARK);
    expect(await seenBy(who(), `${path}/what-if`)).not.toContain(MARK);
  });

  it('finds nothing of it in the incident list, its search, the incident or its records', async () => {
    const list = JSON.parse(await seenBy(who(), '/api/v1/incidents'));
    expect(list.items.map((i: { key: string }) => i.key)).toContain(key);
    const search = JSON.parse(await seenBy(who(), `/api/v1/incidents?q=${MARK}`));
    expect(search.items).toEqual([]);
    for (const url of [
      '/api/v1/incidents',
      `/api/v1/incidents/${key}`,
      `/api/v1/incidents/${key}/timeline`,
      `/api/v1/incidents/${key}/decisions`,
      `/api/v1/incidents/${key}/deadlines`,
      '/api/v1/deadlines?state=all',
      '/api/v1/tasks',
    ]) {
      expect(await seenBy(who(), url), url).not.toContain(MARK);
    }
    // Its clocks are there: the stages are deadlines of the incident.
    expect(await seenBy(who(), `/api/v1/incidents/${key}/deadlines`)).toContain('gdpr.individuals');
  });

  it('may not read the register, the people, the deliveries or the notices', async () => {
    for (const url of [
      '/api/v1/breaches/register',
      '/api/v1/breaches/register?format=csv',
      `${path}/contacts`,
      `${path}/contacts?format=csv`,
    ]) {
      const res = await call(who(), 'GET', url);
      expect(res.statusCode, url).toBe(403);
      expect(res.body).not.toContain(MARK);
    }
  });
});

describe('what else reaches people without the legal role', () => {
  it('the audit trail a security lead reads says that personal data was read, not what', async () => {
    expect(await seenBy(lead, '/api/v1/audit?limit=500')).not.toContain(MARK);
  });

  it('the live stream says only that the breach record changed', async () => {
    // A later change everyone hears: what came before it has arrived.
    await ok(responder, 'POST', `/api/v1/incidents/${key}/notes`, { text: 'Checked the link' });
    for (const stream of streams) {
      await stream.nextChange((n) => n.subject === 'incident' && n.key === key, 2000);
      const breach = stream.changes().filter((n) => n.subject === 'breach');
      expect(breach.length).toBeGreaterThan(3);
      expect(JSON.stringify(stream.messages)).not.toContain(MARK);
    }
  });

  it("the clocks' e-mails to anyone but the legal role and the people affected hold no detail", async () => {
    const legalEmail = (
      await t.container.db
        .selectFrom('users')
        .select('email')
        .where('id', '=', legal.userId)
        .executeTakeFirstOrThrow()
    ).email;
    const mail = await t.container.db
      .selectFrom('outbox')
      .select(['recipient', 'subject', 'body_text'])
      .where('channel', '=', 'email')
      .where('recipient', 'not in', [legalEmail, 'zanzibar@example.org'])
      .execute();
    expect(mail.some((m) => m.subject.includes('Deadline missed'))).toBe(true);
    expect(JSON.stringify(mail)).not.toContain(MARK);
  });
});
