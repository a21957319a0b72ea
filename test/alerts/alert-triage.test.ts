// Alert triage (issue 18, item 4): alerts no rule decided wait in the queue; staff filter it,
// see similar alerts grouped with counts, and decide for one or many alerts at once: open one
// incident (its clocks from the earliest alert's detection time), attach them to an open incident
// they may see, acknowledge, snooze until a time (back in the queue after it, on the injected
// clock), or mark as noise with a reason, which proposes tuning the detection rule. Each decision
// is on the alert's record with who made it; the permissions and a token's scope are checked, and
// a restricted incident is never revealed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  alertmanagerAlert,
  alertmanagerHook,
  newSource,
  sendAlert,
  type MadeSource,
} from '../helpers/alerts.ts';
import { createTokenFor, loginAs } from '../helpers/auth.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
type Headers = Record<string, string>;
let admin: Headers;
let lead: Headers;
let leadId: string;
let responder: Headers;
let responderId: string;
let am: MadeSource;

interface Alert {
  id: string;
  summary: string;
  status: string;
  queueStatus: string;
  similarKey: string;
  snoozedUntil: string | null;
  noise: { reason: string; at: string; by: string | null } | null;
  labels: Record<string, string>;
  routing: { decision: string; incidentId: string | null } | null;
}
interface Problem {
  errors?: { field: string; message: string }[];
  permission?: string;
  detail?: string;
}

const MIN = 60_000;
const byName = new Map<string, string>();
const HOSTILE = '<img src=x onerror="alert(1)">';

async function call(who: Headers, method: 'GET' | 'POST', url: string, payload?: object) {
  return t.app.inject({ method, url, headers: who, ...(payload ? { payload } : {}) });
}
async function get(who: Headers, url: string) {
  const res = await call(who, 'GET', url);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}
async function queue(query: string, who: Headers = lead): Promise<Alert[]> {
  return (await get(who, `/api/v1/alerts?sourceId=${am.source.id}&${query}`)).items;
}
const names = (alerts: Alert[]) => alerts.map((a) => a.labels['instance']);
const ids = (...instances: string[]) => instances.map((i) => byName.get(i)!);

/** Sends alerts as Alertmanager does; each instance's alert started `minutesAgo` ago. */
async function fire(alerts: [Record<string, string>, number, string?][]) {
  const res = await sendAlert(
    t,
    '/api/v1/alert-intake/alertmanager',
    alertmanagerHook(
      alerts.map(([labels, minutesAgo, summary]) =>
        alertmanagerAlert(
          labels,
          `fp-${labels['instance']}`,
          t.clock.now() - minutesAgo * MIN,
          summary,
        ),
      ),
    ),
    { authorization: `Bearer ${am.key}` },
  );
  expect(res.statusCode, res.body).toBe(202);
  for (const a of await queue('limit=200')) byName.set(a.labels['instance']!, a.id);
}

beforeAll(async () => {
  t = await createTestApp();
  admin = (await loginAs(t, 'admin')).headers;
  ({ userId: leadId, headers: lead } = await loginAs(t, 'security_lead'));
  ({ userId: responderId, headers: responder } = await loginAs(t, 'responder'));
  am = await newSource(t, admin, { name: 'prod-am', kind: 'alertmanager' });
  // Oldest first: disk on db-1, then errors on api-1 and api-2, then latency and a hostile one.
  await fire([[{ alertname: 'DiskFull', instance: 'db-1', severity: 'warning' }, 30]]);
  t.clock.advance(MIN);
  await fire([
    [{ alertname: 'HighErrorRate', instance: 'api-1', service: 'api', severity: 'critical' }, 20],
    [{ alertname: 'HighErrorRate', instance: 'api-2', service: 'api', severity: 'critical' }, 12],
  ]);
  t.clock.advance(MIN);
  await fire([
    [{ alertname: 'Latency', instance: 'web-1', severity: 'info' }, 3],
    [{ alertname: HOSTILE, instance: 'evil-1', team: '50%_off' }, 2, `<script>alert(1)</script>`],
  ]);
});
afterAll(async () => t.close());

describe('the queue', () => {
  it('waits for triage, newest first, paged, filtered by severity, words and label', async () => {
    const open = await queue('status=open');
    // Newest last seen first: the two sent last, then the two errors, then the disk.
    expect(names(open).slice(0, 2).sort()).toEqual(['evil-1', 'web-1']);
    expect(names(open).slice(2, 4).sort()).toEqual(['api-1', 'api-2']);
    expect(names(open)[4]).toBe('db-1');
    expect(open.every((a) => a.queueStatus === 'firing')).toBe(true);

    const page1 = await get(lead, `/api/v1/alerts?sourceId=${am.source.id}&status=open&limit=2`);
    expect(page1.items).toHaveLength(2);
    const page2 = await queue(`status=open&limit=3&before=${encodeURIComponent(page1.nextBefore)}`);
    expect(names(page2).sort()).toEqual(['api-1', 'api-2', 'db-1']);

    expect(names(await queue('severity=critical')).sort()).toEqual(['api-1', 'api-2']);
    expect(names(await queue('q=DISK'))).toEqual(['db-1']);
    expect(names(await queue('label=alertname%3DHighErrorRate')).sort()).toEqual([
      'api-1',
      'api-2',
    ]);
    // LIKE's wildcards are taken as written: `%` and `_` match themselves only.
    expect(names(await queue(`label=${encodeURIComponent('team=50%_off')}`))).toEqual(['evil-1']);
    expect(await queue(`label=${encodeURIComponent('team=50%')}`)).toEqual([]);
    expect(await queue('q=%25')).toEqual([]);
    // Hostile text comes back as the data it is.
    const evil = (await queue(`label=${encodeURIComponent(`alertname=${HOSTILE}`)}`))[0]!;
    expect(evil.summary).toBe('<script>alert(1)</script>');
    expect(evil.similarKey).toBe(`alertname=${HOSTILE}`);

    const bad = await call(lead, 'GET', '/api/v1/alerts?label=noequals');
    expect(bad.statusCode).toBe(400);
    expect((bad.json() as Problem).errors?.[0]?.field).toContain('label');
  });

  it('groups similar alerts (same source and alertname) with counts, latest first', async () => {
    const { items } = await get(lead, `/api/v1/alerts/groups?sourceId=${am.source.id}&status=open`);
    expect(items).toHaveLength(4);
    expect(
      items.find((g: { similarKey: string }) => g.similarKey === 'alertname=HighErrorRate'),
    ).toMatchObject({ sourceName: 'prod-am', count: 2 });
    expect(items.at(-1)).toMatchObject({ similarKey: 'alertname=DiskFull', count: 1 });
    const group = await queue('similarKey=alertname%3DHighErrorRate');
    expect(names(group).sort()).toEqual(['api-1', 'api-2']);
  });
});

describe('open one incident for the alerts selected', () => {
  let incident: { id: string; key: string };

  it('opens it with the earliest detection time on its clocks; both alerts are in it', async () => {
    // api-1 came a minute ago, 20 minutes after it started: the earliest of the two.
    const detected = t.clock.now() - MIN - 20 * MIN;
    const res = await call(lead, 'POST', '/api/v1/alerts/open-incident', {
      alertIds: ids('api-2', 'api-1'),
      title: 'API errors',
    });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json() as { incident: typeof incident; items: Alert[] };
    incident = body.incident;
    expect(body.items.map((a) => a.routing)).toEqual([
      expect.objectContaining({ decision: 'opened', incidentId: incident.id }),
      expect.objectContaining({ decision: 'opened', incidentId: incident.id }),
    ]);
    const { incident: opened } = await get(lead, `/api/v1/incidents/${incident.key}`);
    expect(opened).toMatchObject({
      title: 'API errors',
      source: 'alert',
      detectedAt: new Date(detected).toISOString(),
      declaredAt: new Date(detected).toISOString(),
    });
    const { items: deadlines } = await get(lead, `/api/v1/incidents/${incident.key}/deadlines`);
    expect(deadlines.length).toBeGreaterThan(0);
    for (const d of deadlines as { startedAt: string }[]) {
      expect(d.startedAt).toBe(new Date(detected).toISOString());
    }
    const timeline = await get(lead, `/api/v1/incidents/${incident.key}/timeline?limit=200`);
    const attached = (timeline.items as { type: string; data: { alertId: string } }[]).filter(
      (e) => e.type === 'incident.alert_attached',
    );
    expect(attached.map((e) => e.data.alertId).sort()).toEqual(ids('api-1', 'api-2').sort());

    // The decision is on each alert's record, with who made it.
    const detail = await get(lead, `/api/v1/alerts/${byName.get('api-1')}`);
    expect(detail.record.at(-1)).toMatchObject({
      type: 'alert.triaged',
      by: leadId,
      data: { decision: 'opened', incidentId: incident.id, incidentKey: incident.key },
    });
    // Out of the queue of alerts waiting for triage.
    expect(names(await queue('status=open'))).not.toContain('api-1');
  });

  it('refuses alerts already in an incident, naming each, and changes nothing', async () => {
    const res = await call(lead, 'POST', '/api/v1/alerts/open-incident', {
      alertIds: ids('db-1', 'api-1'),
    });
    expect(res.statusCode).toBe(409);
    expect((res.json() as Problem).errors).toEqual([
      { field: 'alertIds.1', message: 'belongs to an incident already' },
    ]);
    expect((await queue('q=disk'))[0]!.routing?.incidentId ?? null).toBeNull();
  });

  it('attaches another alert to the open incident by its key', async () => {
    const res = await call(responder, 'POST', '/api/v1/alerts/attach', {
      alertIds: ids('web-1'),
      incident: incident.key,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().items[0].routing).toMatchObject({
      decision: 'attached',
      incidentId: incident.id,
    });
    const detail = await get(lead, `/api/v1/alerts/${byName.get('web-1')}`);
    expect(detail.record.at(-1)).toMatchObject({ type: 'alert.triaged', by: responderId });
  });

  it('answers an unknown incident and a restricted one alike: not found; hides it after', async () => {
    const unknown = await call(responder, 'POST', '/api/v1/alerts/attach', {
      alertIds: ids('db-1'),
      incident: 'INC-1999-0001',
    });
    expect(unknown.statusCode).toBe(404);
    const restrict = await call(admin, 'PATCH' as 'POST', `/api/v1/incidents/${incident.key}`, {
      restricted: true,
    });
    expect(restrict.statusCode, restrict.body).toBe(200);
    const hidden = await call(responder, 'POST', '/api/v1/alerts/attach', {
      alertIds: ids('db-1'),
      incident: incident.key,
    });
    expect(hidden.statusCode).toBe(404);
    expect(hidden.json().detail).toBe(unknown.json().detail);

    // The responder, not among its participants, no longer sees which incident the alerts are in.
    const seen = await queue('label=alertname%3DHighErrorRate', responder);
    expect(seen.map((a) => a.routing?.incidentId)).toEqual([null, null]);
    const detail = await call(responder, 'GET', `/api/v1/alerts/${byName.get('api-1')}`);
    expect(detail.body).not.toContain(incident.id);
    expect(detail.body).not.toContain(incident.key);
    // The lead who opened it takes part in it and still sees it, as an admin does.
    const leadView = await get(lead, `/api/v1/alerts/${byName.get('api-1')}`);
    expect(leadView.alert.routing.incidentId).toBe(incident.id);
    const adminView = await get(admin, `/api/v1/alerts/${byName.get('api-1')}`);
    expect(adminView.alert.routing.incidentId).toBe(incident.id);
  });
});

describe('snooze', () => {
  it('takes an alert out of the queue until the time; it comes back after it', async () => {
    const until = new Date(t.clock.now() + 60 * MIN).toISOString();
    const res = await call(responder, 'POST', '/api/v1/alerts/snooze', {
      alertIds: ids('db-1'),
      until,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().items[0]).toMatchObject({ queueStatus: 'snoozed', snoozedUntil: until });
    expect(names(await queue('status=open'))).not.toContain('db-1');
    expect(names(await queue('status=firing'))).not.toContain('db-1');
    expect(names(await queue('status=snoozed'))).toEqual(['db-1']);

    t.clock.advance(59 * MIN);
    expect(names(await queue('status=snoozed'))).toEqual(['db-1']);
    t.clock.advance(2 * MIN);
    expect(await queue('status=snoozed')).toEqual([]);
    const back = await queue('status=open');
    expect(names(back)).toContain('db-1');
    expect(back.find((a) => a.labels['instance'] === 'db-1')!.queueStatus).toBe('firing');
    const detail = await get(lead, `/api/v1/alerts/${byName.get('db-1')}`);
    expect(detail.record.at(-1)).toMatchObject({
      type: 'alert.snoozed',
      by: responderId,
      data: { until: Date.parse(until) },
    });
  });

  it('refuses a time that is past or more than a week away, naming the field', async () => {
    for (const until of [t.clock.now() - MIN, t.clock.now() + 8 * 24 * 60 * MIN]) {
      const res = await call(responder, 'POST', '/api/v1/alerts/snooze', {
        alertIds: ids('db-1'),
        until: new Date(until).toISOString(),
      });
      expect(res.statusCode).toBe(400);
      expect((res.json() as Problem).errors).toEqual([expect.objectContaining({ field: 'until' })]);
    }
  });
});

describe('acknowledge', () => {
  it('acknowledges a firing alert once', async () => {
    const res = await call(responder, 'POST', '/api/v1/alerts/acknowledge', {
      alertIds: ids('db-1'),
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().items[0]).toMatchObject({ status: 'acknowledged' });
    expect(names(await queue('status=acknowledged'))).toEqual(['db-1']);
    const again = await call(responder, 'POST', '/api/v1/alerts/acknowledge', {
      alertIds: ids('db-1'),
    });
    expect(again.statusCode).toBe(409);
    expect((again.json() as Problem).errors).toEqual([
      { field: 'alertIds.0', message: 'is acknowledged, not firing' },
    ]);
  });
});

describe('mark as noise', () => {
  it('needs a reason', async () => {
    const res = await call(responder, 'POST', '/api/v1/alerts/noise', {
      alertIds: ids('evil-1'),
      reason: '   ',
    });
    expect(res.statusCode).toBe(400);
    expect((res.json() as Problem).errors).toEqual([expect.objectContaining({ field: 'reason' })]);
  });

  it('records the decision and proposes tuning the detection rule', async () => {
    const res = await call(responder, 'POST', '/api/v1/alerts/noise', {
      alertIds: ids('evil-1'),
      reason: 'A load test, <b>not</b> an attack',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().items[0]).toMatchObject({
      queueStatus: 'noise',
      noise: { reason: 'A load test, <b>not</b> an attack', by: responderId },
    });
    expect(names(await queue('status=noise'))).toEqual(['evil-1']);
    expect(names(await queue('status=open'))).not.toContain('evil-1');
    const detail = await get(lead, `/api/v1/alerts/${byName.get('evil-1')}`);
    expect(detail.record.at(-1)).toMatchObject({
      type: 'alert.marked_noise',
      by: responderId,
      data: { proposalId: `tune:${am.source.id}:alertname=${HOSTILE}` },
    });

    const { items } = await get(lead, '/api/v1/alerts/tuning-proposals');
    expect(items).toEqual([
      expect.objectContaining({
        proposalId: `tune:${am.source.id}:alertname=${HOSTILE}`,
        sourceName: 'prod-am',
        similarKey: `alertname=${HOSTILE}`,
        alertCount: 1,
        reasons: [
          expect.objectContaining({
            alertId: byName.get('evil-1'),
            reason: 'A load test, <b>not</b> an attack',
            by: responderId,
          }),
        ],
      }),
    ]);
    expect(items[0].title).toContain('Tune the detection rule');
  });

  it('refuses an alert in an incident, or one already noise', async () => {
    const res = await call(responder, 'POST', '/api/v1/alerts/noise', {
      alertIds: ids('api-1', 'evil-1'),
      reason: 'noise',
    });
    expect(res.statusCode).toBe(409);
    expect((res.json() as Problem).errors).toEqual([
      { field: 'alertIds.0', message: 'belongs to an incident' },
      { field: 'alertIds.1', message: 'is already marked as noise' },
    ]);
  });
});

describe('who may triage', () => {
  const actions = () =>
    [
      ['/api/v1/alerts/acknowledge', { alertIds: ids('db-1') }],
      ['/api/v1/alerts/snooze', { alertIds: ids('db-1'), until: '2099-01-01T00:00:00Z' }],
      ['/api/v1/alerts/noise', { alertIds: ids('db-1'), reason: 'x' }],
      ['/api/v1/alerts/open-incident', { alertIds: ids('db-1') }],
      ['/api/v1/alerts/attach', { alertIds: ids('db-1'), incident: 'INC-1999-0001' }],
    ] as const;

  it.each(['viewer', 'comms', 'legal'])('refuses %s, who may not triage alerts', async (role) => {
    const who = (await loginAs(t, role)).headers;
    for (const [url, body] of actions()) {
      const res = await call(who, 'POST', url, body);
      expect(res.statusCode, url).toBe(403);
      expect((res.json() as Problem).permission).toBe('alerts.triage');
    }
    expect((await call(who, 'GET', '/api/v1/alerts/groups')).statusCode).toBe(403);
    expect((await call(who, 'GET', '/api/v1/alerts/tuning-proposals')).statusCode).toBe(403);
  });

  it('refuses a token scoped to reading alerts, and one without incidents.create', async () => {
    const reader = (await createTokenFor(t, 'responder', ['alerts.read'])).headers;
    expect((await call(reader, 'GET', '/api/v1/alerts/groups')).statusCode).toBe(200);
    for (const [url, body] of actions()) {
      expect((await call(reader, 'POST', url, body)).statusCode, url).toBe(403);
    }
    const triager = (await createTokenFor(t, 'responder', ['alerts.read', 'alerts.triage']))
      .headers;
    const open = await call(triager, 'POST', '/api/v1/alerts/open-incident', {
      alertIds: ids('db-1'),
    });
    expect(open.statusCode).toBe(403);
    expect((open.json() as Problem).permission).toBe('incidents.create');
    const attach = await call(triager, 'POST', '/api/v1/alerts/attach', {
      alertIds: ids('db-1'),
      incident: 'INC-1999-0001',
    });
    expect(attach.statusCode).toBe(403);
    expect((attach.json() as Problem).permission).toBe('incidents.update');
    // Nothing happened to the alert.
    expect((await get(lead, `/api/v1/alerts/${byName.get('db-1')}`)).alert.routing.incidentId).toBe(
      null,
    );
  });

  it('answers an unknown alert id with 404 naming it, and changes none of the others', async () => {
    const res = await call(responder, 'POST', '/api/v1/alerts/snooze', {
      alertIds: [byName.get('db-1'), 'no-such-alert'],
      until: new Date(t.clock.now() + MIN).toISOString(),
    });
    expect(res.statusCode).toBe(404);
    expect((res.json() as Problem).errors).toEqual([
      { field: 'alertIds.1', message: 'is not an alert' },
    ]);
    expect((await queue('status=snoozed')).length).toBe(0);
    const twice = await call(responder, 'POST', '/api/v1/alerts/acknowledge', {
      alertIds: ids('db-1', 'db-1'),
    });
    expect(twice.statusCode).toBe(400);
  });
});

describe('opening an incident with a severity', () => {
  it('opens with a severity of the policy, under its rule before a reproduction; refusals keep the alerts in the queue', async () => {
    await fire([
      [{ alertname: 'BruteForce', instance: 'auth-1', severity: 'critical' }, 5],
      [{ alertname: 'BruteForce', instance: 'auth-2', severity: 'critical' }, 4],
    ]);
    const open = (who: Headers, body: object) =>
      call(who, 'POST', '/api/v1/alerts/open-incident', {
        alertIds: ids('auth-1', 'auth-2'),
        ...body,
      });
    // Not one of the policy's severities: named field by field.
    const unknown = await open(lead, { severity: 'P9' });
    expect(unknown.statusCode).toBe(400);
    expect((unknown.json() as Problem).errors?.[0]?.field).toBe('severity');
    // Verify and reproduce first: without an emergency override the policy refuses it.
    const early = await open(responder, { severity: 'P1' });
    expect(early.statusCode, early.body).toBe(422);
    expect((early.json() as Problem).detail).toContain('Verify and reproduce');
    // Only the security lead may set one first, with a reason.
    const notLead = await open(responder, {
      severity: 'P1',
      severityOverride: { reason: 'credential stuffing in progress' },
    });
    expect(notLead.statusCode, notLead.body).toBe(403);
    // Nothing was lost: both alerts still wait for triage.
    expect(names(await queue('label=alertname%3DBruteForce&status=open')).sort()).toEqual([
      'auth-1',
      'auth-2',
    ]);

    const res = await open(lead, {
      title: 'Credential stuffing on login',
      severity: 'P1',
      severityRationale: 'customer accounts at risk',
      severityOverride: { reason: 'credential stuffing in progress' },
    });
    expect(res.statusCode, res.body).toBe(201);
    const { incident } = res.json() as { incident: { key: string } };
    const { incident: opened } = await get(lead, `/api/v1/incidents/${incident.key}`);
    expect(opened).toMatchObject({ title: 'Credential stuffing on login', severity: 'P1' });
    const timeline = await get(lead, `/api/v1/incidents/${incident.key}/timeline?limit=200`);
    const types = (timeline.items as { type: string; data: Record<string, unknown> }[]).map(
      (e) => e.type,
    );
    expect(types).toContain('incident.reproduction_overridden');
    expect(
      (timeline.items as { type: string; data: Record<string, unknown> }[]).find(
        (e) => e.type === 'incident.severity_set',
      )?.data,
    ).toMatchObject({ severity: 'P1', rationale: 'customer accounts at risk' });
  });
});
