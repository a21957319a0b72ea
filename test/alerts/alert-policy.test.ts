// The policy decides what an alert does (issue 18, item 3): its alerts.rules, first match on the
// source, severity and labels, open an incident with a severity, attach to the open incident
// with the same key within a window, wait for triage or ignore; the rule and the policy version
// that decided are on the alert. The incident's clocks run from the alert's own detection time;
// a resolve from monitoring is on the incident's timeline and never closes it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  alertmanagerAlert,
  alertmanagerHook,
  alertsOf as alertsOf_,
  newSource,
  PAGERDUTY_URL,
  pagerDutyExample,
  policyWithAlerts,
  sendAlert,
  type MadeSource,
} from '../helpers/alerts.ts';
import { loginAs } from '../helpers/auth.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const RULES = `alerts:
  description: Pages from monitoring open incidents; noise from test systems is ignored.
  rules:
    - id: ignore-test
      match: { labels: { env: test } }
      action: ignore
    - id: page-db
      description: A critical database alert is an incident; the same alert on the same cluster joins it.
      match:
        sources: [prod-am]
        severities: [critical]
        labels: { team: [db, storage] }
      action: open
      severity: P1
      groupBy: [alertname, cluster]
      attachWithin: 30m
    - id: pd-critical
      match: { sources: [pd], severities: [critical] }
      action: open
      severity: P0
      attachWithin: 1h
    - id: join-known
      match: { labels: { service: '*' } }
      action: attach
      groupBy: [service]
      attachWithin: 2h
`;

let t: TestApp;
type Headers = Record<string, string>;
let admin: Headers;
let lead: Headers;
let pd: MadeSource;
let am: MadeSource;
const alertsOf = (sourceId: string) => alertsOf_(t, lead, sourceId);

beforeAll(async () => {
  t = await createTestApp({ env: { STOPLINE_POLICY: policyWithAlerts(RULES) } });
  admin = (await loginAs(t, 'admin')).headers;
  lead = (await loginAs(t, 'security_lead')).headers;
  pd = await newSource(t, admin, { name: 'pd', kind: 'pagerduty' });
  am = await newSource(t, admin, { name: 'prod-am', kind: 'alertmanager' });
});
afterAll(async () => t.close());

async function get(url: string) {
  const res = await t.app.inject({ method: 'GET', url, headers: lead });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

const timelineTypes = async (ref: string) =>
  ((await get(`/api/v1/incidents/${ref}/timeline?limit=200`)).items as { type: string }[]).map(
    (e) => e.type,
  );

function trigger(dedupKey: string, minutesAgo: number, severity = 'critical') {
  const event = pagerDutyExample(pd.key, dedupKey);
  event.payload.timestamp = new Date(t.clock.now() - minutesAgo * 60_000).toISOString();
  event.payload.severity = severity;
  return sendAlert(t, PAGERDUTY_URL, event);
}
const resolve = (dedupKey: string) =>
  sendAlert(t, PAGERDUTY_URL, {
    routing_key: pd.key,
    dedup_key: dedupKey,
    event_action: 'resolve',
  });

describe('a rule opens an incident', () => {
  it('with its severity, the rule and policy version recorded, the clocks from the alert', async () => {
    const detected = t.clock.now() - 10 * 60_000;
    expect((await trigger('db-down', 10)).statusCode).toBe(202);
    const [alert] = await alertsOf(pd.source.id);
    expect(alert!.routing).toMatchObject({
      decision: 'opened',
      ruleId: 'pd-critical',
      policyHash: t.container.policy.hash,
      policyRevision: t.container.policy.policy.revision,
    });
    const { incident } = await get(`/api/v1/incidents/${alert!.routing!.incidentId}`);
    expect(incident).toMatchObject({
      severity: 'P0',
      source: 'alert',
      title: 'DISK at 99% on machine prod-datapipe03.example.com',
      detectedAt: new Date(detected).toISOString(),
      declaredAt: new Date(detected).toISOString(),
    });
    // P0: respond within 15 minutes of when monitoring saw it, 5 minutes from now.
    const { items } = await get(`/api/v1/incidents/${incident.key}/deadlines`);
    const response = items.find((d: { kind: string }) => d.kind === 'response');
    expect(response).toMatchObject({
      startedAt: new Date(detected).toISOString(),
      dueAt: new Date(detected + 15 * 60_000).toISOString(),
      status: 'pending',
    });
    const types = await timelineTypes(incident.key);
    expect(types).toEqual(
      expect.arrayContaining([
        'incident.opened',
        'incident.reproduction_overridden',
        'incident.severity_set',
        'incident.alert_attached',
      ]),
    );
  });

  it('re-fires update the alert, not the incident; a resolve is recorded and closes nothing', async () => {
    t.clock.advance(60_000);
    expect((await trigger('db-down', 11)).statusCode).toBe(202);
    const [alert] = await alertsOf(pd.source.id);
    expect(alert).toMatchObject({ count: 2, status: 'firing' });
    const ref = alert!.routing!.incidentId!;
    const before = await timelineTypes(ref);
    t.clock.advance(60_000);
    expect((await resolve('db-down')).statusCode).toBe(202);
    const after = await timelineTypes(ref);
    expect(after.slice(before.length)).toEqual(['incident.alert_resolved']);
    const { incident } = await get(`/api/v1/incidents/${ref}`);
    expect(incident.phase).toBe(t.container.policy.policy.phases[0]!.id);
    expect(incident.closedAt).toBeNull();
  });

  it('the same key within the window attaches; after the window it opens a new one', async () => {
    const [first] = await alertsOf(pd.source.id);
    const incidentId = first!.routing!.incidentId;
    t.clock.advance(20 * 60_000);
    expect((await trigger('db-down', 0)).statusCode).toBe(202);
    let mine = (await alertsOf(pd.source.id)).filter((a) => a.dedupKey === 'db-down');
    expect(mine.map((a) => [a.status, a.routing?.decision])).toEqual([
      ['firing', 'attached'],
      ['resolved', 'opened'],
    ]);
    expect(mine[0]!.routing!.incidentId).toBe(incidentId);
    expect((await timelineTypes(incidentId!)).at(-1)).toBe('incident.alert_attached');
    expect((await resolve('db-down')).statusCode).toBe(202);
    // An hour after the last alert joined it, the window is closed: a new incident.
    t.clock.advance(61 * 60_000);
    expect((await trigger('db-down', 0)).statusCode).toBe(202);
    mine = (await alertsOf(pd.source.id)).filter((a) => a.dedupKey === 'db-down');
    expect(mine[0]!.routing!.decision).toBe('opened');
    expect(mine[0]!.routing!.incidentId).not.toBe(incidentId);
  });

  it('no rule fits: it waits for triage, the policy version recorded', async () => {
    expect((await trigger('minor', 0, 'warning')).statusCode).toBe(202);
    const [minor] = (await alertsOf(pd.source.id)).filter((a) => a.dedupKey === 'minor');
    expect(minor!.routing).toMatchObject({
      decision: 'triage',
      ruleId: null,
      incidentId: null,
      policyHash: t.container.policy.hash,
    });
  });
});

describe('rules on Alertmanager labels', () => {
  const alert = (labels: Record<string, string>, fingerprint: string) =>
    alertmanagerAlert(labels, fingerprint, t.clock.now() - 5 * 60_000);
  const hook = alertmanagerHook;

  it('groups by alertname and cluster: the second instance joins the first one’s incident', async () => {
    const db = { alertname: 'DiskFull', cluster: 'c1', team: 'db', severity: 'critical' };
    const res = await sendAlert(
      t,
      '/api/v1/alert-intake/alertmanager',
      hook([
        alert({ ...db, instance: 'db-1' }, 'a1'),
        alert({ ...db, instance: 'db-2' }, 'a2'),
        alert({ ...db, instance: 'db-3', cluster: 'c2' }, 'a3'),
        alert({ ...db, instance: 'ci-1', env: 'test' }, 'a4'),
        alert({ alertname: 'Latency', instance: 'api-1', service: 'api' }, 'a5'),
        alert({ alertname: 'Latency', instance: 'web-1', severity: 'info' }, 'a6'),
      ]),
      { authorization: `Bearer ${am.key}` },
    );
    expect(res.statusCode).toBe(202);
    const seen = new Map(
      (await alertsOf(am.source.id)).map((a) => [
        a.dedupKey,
        [a.routing!.decision, a.routing!.ruleId, a.routing!.incidentId],
      ]),
    );
    const opened = seen.get('a1')!;
    expect(opened.slice(0, 2)).toEqual(['opened', 'page-db']);
    expect(seen.get('a2')).toEqual(['attached', 'page-db', opened[2]]);
    const other = seen.get('a3')!;
    expect(other.slice(0, 2)).toEqual(['opened', 'page-db']);
    expect(other[2]).not.toBe(opened[2]);
    expect(seen.get('a4')).toEqual(['ignored', 'ignore-test', null]);
    // attach with nothing to join waits for triage, under the rule that said so.
    expect(seen.get('a5')).toEqual(['triage', 'join-known', null]);
    expect(seen.get('a6')).toEqual(['triage', null, null]);
    const { incident } = await get(`/api/v1/incidents/${opened[2]}`);
    expect(incident.severity).toBe('P1');
  });
});
