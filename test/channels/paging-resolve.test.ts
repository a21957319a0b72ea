// Outbound PagerDuty and Opsgenie, the end of an alert: when the incident reaches the phase the
// policy calls resolved, the line's alert is resolved on PagerDuty (event_action resolve, the same
// dedup_key) and closed on Opsgenie (POST /v2/alerts/{alias}/close?identifierType=alias), through
// the outbox: a service answering 500 is asked again, and a phase before "resolved" sends nothing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/server/clock.ts';
import { loginAs } from '../helpers/auth.ts';
import {
  startOpsgenieReceiver,
  startPagerDutyReceiver,
  type OpsgenieCall,
  type PagerDutyEvent,
  type Receiver,
} from '../helpers/channel-receivers.ts';
import { workerFor } from '../helpers/delivery.ts';
import { admin, incidentInput } from '../helpers/incidents-context.ts';
import { EMERGENCY } from '../helpers/reproduce.ts';
import { gatelessPolicyFile } from '../helpers/gateless-policy.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const ROUTING_KEY = 'R0123456789abcdef0123456789abcde';
const GENIE_KEY = 'eb243592-faa2-4ba2-a551-1afdf565c889';

let t: TestApp;
let pd: Receiver<PagerDutyEvent>;
let og: Receiver<OpsgenieCall>;

beforeEach(async () => {
  t = await createTestApp({
    clock: new FakeClock('2026-03-02T09:00:00Z'),
    env: { STOPLINE_POLICY: gatelessPolicyFile() },
  });
  pd = await startPagerDutyReceiver(ROUTING_KEY);
  og = await startOpsgenieReceiver(GENIE_KEY);
  const { headers } = await loginAs(t, 'admin');
  const endpoints = [
    { kind: 'pagerduty', name: 'PagerDuty', url: `${pd.url}/v2/enqueue`, key: ROUTING_KEY },
    { kind: 'opsgenie', name: 'Opsgenie', url: og.url, key: GENIE_KEY },
  ];
  for (const { key, ...endpoint } of endpoints) {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/webhook-endpoints',
      headers,
      payload: { ...endpoint, integrationKey: key, eventTypes: ['incident.line_stopped'] },
    });
    expect(res.statusCode, res.body).toBe(201);
  }
});
afterEach(async () => {
  await pd.stop();
  await og.stop();
  await t.close();
});

async function deliver() {
  const worker = workerFor(t, null);
  const round = await worker.deliverDue(t.clock.now());
  await worker.close();
  return round;
}

describe('the line alert on PagerDuty and Opsgenie', () => {
  it('is resolved there when the incident reaches the resolved phase; an Opsgenie 500 is tried again', async () => {
    const incidents = t.container.services.incidents;
    const actor = admin('lead');
    let incident = await incidents.openIncident(
      actor,
      incidentInput({
        title: 'Customer data exposed',
        source: 'monitoring',
        severity: 'S1',
        severityRationale: 'Customer data is being downloaded',
        severityOverride: EMERGENCY,
      }),
    );
    expect(incident.lineStopped).toBe(true);
    const alias = `stopline-line-${incident.id}`;
    expect(await deliver()).toMatchObject({ delivered: 2 });
    expect(pd.seen.map((e) => [e.event_action, e.dedup_key])).toEqual([['trigger', alias]]);
    expect(og.seen.map((c) => [c.action, c.alias])).toEqual([['create', alias]]);

    // Fixing is not the resolved phase: the alerts stay open.
    incident = await incidents.movePhase(actor, incident.key, undefined, 'fixing');
    expect(await deliver()).toMatchObject({ delivered: 0 });
    expect(pd.seen).toHaveLength(1);
    expect(og.seen).toHaveLength(1);

    og.answers.push(500);
    incident = await incidents.movePhase(actor, incident.key, undefined, 'review');
    expect(await deliver()).toMatchObject({ delivered: 1, failed: 1 });
    expect(pd.seen[1]).toEqual({
      routing_key: ROUTING_KEY,
      event_action: 'resolve',
      dedup_key: alias,
    });
    const failed = await t.container.db
      .selectFrom('outbox')
      .select(['status', 'last_error'])
      .where('channel', '=', 'opsgenie')
      .where('status', '=', 'pending')
      .executeTakeFirstOrThrow();
    expect(failed.last_error).toMatch(/HTTP 500/);

    t.clock.advance(30_000);
    expect(await deliver()).toMatchObject({ delivered: 1 });
    // The close was asked twice: once answered 500, then accepted.
    expect(og.seen.map((c) => [c.action, c.alias])).toEqual([
      ['create', alias],
      ['close', alias],
      ['close', alias],
    ]);
    expect(og.seen[2]!.body).toMatchObject({ note: 'Resolved in Stopline' });
    expect(og.refused).toEqual([]);
    expect(pd.refused).toEqual([]);
    // Nothing more goes out: each service heard each step once.
    t.clock.advance(3_600_000);
    expect(await deliver()).toMatchObject({ delivered: 0 });
    expect(pd.seen).toHaveLength(2);
    expect(og.seen).toHaveLength(3);
  });
});
