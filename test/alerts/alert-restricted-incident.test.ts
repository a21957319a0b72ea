// An alert stays in the queue for everyone who reads alerts, but the incident it opened is named
// only to those who may see that incident: once the incident is restricted, a responder who is
// not among its participants sees the alert with no incident, its record's routing event without
// the incident's id and key, and nothing when filtering by that incident; an admin still sees it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
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
  description: Critical pages open incidents.
  rules:
    - id: pd-critical
      match: { sources: [pd], severities: [critical] }
      action: open
      severity: P0
`;

let t: TestApp;
type Headers = Record<string, string>;
let admin: Headers;
let responder: Headers;
let pd: MadeSource;

beforeAll(async () => {
  t = await createTestApp({ env: { STOPLINE_POLICY: policyWithAlerts(RULES) } });
  admin = (await loginAs(t, 'admin')).headers;
  responder = (await loginAs(t, 'responder')).headers;
  pd = await newSource(t, admin, { name: 'pd', kind: 'pagerduty' });
});
afterAll(async () => t.close());

async function get(who: Headers, url: string) {
  const res = await t.app.inject({ method: 'GET', url, headers: who });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

type Alert = { id: string; routing: { incidentId: string | null } | null };
type Detail = { alert: Alert; record: { type: string; data: Record<string, unknown> }[] };

describe('an alert whose incident is later restricted', () => {
  let alertId: string;
  let incidentId: string;
  let incidentKey: string;

  beforeAll(async () => {
    const res = await sendAlert(t, PAGERDUTY_URL, pagerDutyExample(pd.key, 'insider-export'));
    expect(res.statusCode, res.body).toBe(202);
    const { items } = (await get(admin, `/api/v1/alerts?sourceId=${pd.source.id}`)) as {
      items: Alert[];
    };
    alertId = items[0]!.id;
    incidentId = items[0]!.routing!.incidentId!;
    expect(incidentId).toBeTruthy();
    const incident = await get(admin, `/api/v1/incidents/${incidentId}`);
    incidentKey = incident.incident.key as string;

    // Before the restriction the responder sees which incident the alert opened.
    const before = (await get(responder, `/api/v1/alerts/${alertId}`)) as Detail;
    expect(before.alert.routing?.incidentId).toBe(incidentId);

    const restrict = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/incidents/${incidentKey}`,
      headers: admin,
      payload: { restricted: true },
    });
    expect(restrict.statusCode, restrict.body).toBe(200);
  });

  it('shows the alert to a responder who may not see the incident, without the incident', async () => {
    const list = (await get(responder, `/api/v1/alerts?sourceId=${pd.source.id}`)) as {
      items: Alert[];
    };
    expect(list.items.map((a) => a.id)).toEqual([alertId]);
    expect(list.items[0]!.routing).toMatchObject({ decision: 'opened', incidentId: null });

    const detail = await t.app.inject({
      method: 'GET',
      url: `/api/v1/alerts/${alertId}`,
      headers: responder,
    });
    expect(detail.statusCode).toBe(200);
    expect(detail.body).not.toContain(incidentId);
    expect(detail.body).not.toContain(incidentKey);
    const routed = (detail.json() as Detail).record.find((e) => e.type === 'alert.routed');
    expect(routed?.data).toMatchObject({
      ruleId: 'pd-critical',
      incidentId: null,
      incidentKey: null,
    });
  });

  it('finds nothing for the responder when filtering by that incident', async () => {
    const list = (await get(responder, `/api/v1/alerts?incidentId=${incidentId}`)) as {
      items: Alert[];
    };
    expect(list.items).toEqual([]);
  });

  it('still names the incident to an admin, who may see it', async () => {
    const detail = (await get(admin, `/api/v1/alerts/${alertId}`)) as Detail;
    expect(detail.alert.routing?.incidentId).toBe(incidentId);
    const routed = detail.record.find((e) => e.type === 'alert.routed');
    expect(routed?.data).toMatchObject({ incidentId, incidentKey });
    const list = (await get(admin, `/api/v1/alerts?incidentId=${incidentId}`)) as {
      items: Alert[];
    };
    expect(list.items.map((a) => a.id)).toEqual([alertId]);
  });
});
