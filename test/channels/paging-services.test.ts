// Outbound PagerDuty and Opsgenie (issue 21, item 4), for teams that already page with them: an
// admin adds an endpoint of kind pagerduty (Events API v2, routing key) or opsgenie (Alert API,
// GenieKey); a page triggers an alert there, acknowledging it in Stopline acknowledges the same
// alert (dedup_key, alias), and the line stopping triggers one too. Local stand-ins check each
// service's documented request and authentication. A service that fails never stops the ladder.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ReportFields } from '../../src/shared/api/reports.ts';
import { FakeClock } from '../../src/server/clock.ts';
import { loginAs } from '../helpers/auth.ts';
import {
  startOpsgenieReceiver,
  startPagerDutyReceiver,
  type OpsgenieCall,
  type PagerDutyEvent,
  type Receiver,
} from '../helpers/channel-receivers.ts';
import { admin, incidentInput } from '../helpers/incidents-context.ts';
import { EMERGENCY } from '../helpers/reproduce.ts';
import { workerFor } from '../helpers/delivery.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const ROUTING_KEY = 'R0123456789abcdef0123456789abcde';
const GENIE_KEY = 'eb243592-faa2-4ba2-a551-1afdf565c889';

let t: TestApp;
let pd: Receiver<PagerDutyEvent>;
let og: Receiver<OpsgenieCall>;
let adminHeaders: Record<string, string>;

beforeEach(async () => {
  t = await createTestApp({ clock: new FakeClock('2026-03-02T09:00:00Z') });
  pd = await startPagerDutyReceiver(ROUTING_KEY);
  og = await startOpsgenieReceiver(GENIE_KEY);
  adminHeaders = (await loginAs(t, 'admin')).headers;
});
afterEach(async () => {
  await pd.stop();
  await og.stop();
  await t.close();
});

const base = () => t.container.config.baseUrl.replace(/\/+$/, '');

async function endpoint(payload: Record<string, unknown>) {
  return t.app.inject({
    method: 'POST',
    url: '/api/v1/webhook-endpoints',
    headers: adminHeaders,
    payload,
  });
}

async function both(eventTypes = ['page.opened', 'incident.line_stopped']) {
  const made = [
    await endpoint({
      kind: 'pagerduty',
      name: 'PagerDuty',
      url: `${pd.url}/v2/enqueue`,
      integrationKey: ROUTING_KEY,
      eventTypes,
    }),
    await endpoint({
      kind: 'opsgenie',
      name: 'Opsgenie',
      url: og.url,
      integrationKey: GENIE_KEY,
      eventTypes,
    }),
  ];
  for (const res of made) {
    expect(res.statusCode).toBe(201);
    // The key is never shown back, not even in the answer that stored it.
    expect(res.body).not.toContain(ROUTING_KEY);
    expect(res.body).not.toContain(GENIE_KEY);
  }
}

function emergency(summary: string) {
  return t.container.services.reports.submitReport(
    ReportFields.parse({ summary, description: 'What the reporter saw.', emergency: true }),
    [],
    { ip: '127.0.0.1' },
  );
}

async function deliver() {
  const worker = workerFor(t, null);
  const round = await worker.deliverDue(t.clock.now());
  await worker.close();
  return round;
}

describe('a paging service endpoint', () => {
  it('needs its key, which is stored sealed; carries pages and the line only', async () => {
    const noKey = await endpoint({
      kind: 'pagerduty',
      name: 'PD',
      url: `${pd.url}/v2/enqueue`,
      eventTypes: ['page.opened'],
    });
    expect(noKey.statusCode).toBe(400);
    expect(noKey.json().errors).toEqual([
      { field: 'integrationKey', message: expect.stringContaining('integrationKey') },
    ]);
    const status = await endpoint({
      kind: 'opsgenie',
      name: 'OG',
      url: og.url,
      integrationKey: GENIE_KEY,
      eventTypes: ['status.update_published'],
    });
    expect(status.statusCode).toBe(400);
    const slackPages = await endpoint({
      kind: 'slack',
      name: 'Slack',
      url: `${pd.url}/hooks`,
      eventTypes: ['page.opened'],
    });
    expect(slackPages.statusCode).toBe(400);
    const hostile = await endpoint({
      kind: 'pagerduty',
      name: 'PD',
      url: `${pd.url}/v2/enqueue`,
      integrationKey: 'key"\r\nX-Injected: 1',
      eventTypes: ['page.opened'],
    });
    expect(hostile.statusCode).toBe(400);
    await both();
    const stored = await t.container.db.selectFrom('webhook_endpoints').select('secret').execute();
    expect(JSON.stringify(stored)).not.toContain(ROUTING_KEY);
    expect(JSON.stringify(stored)).not.toContain(GENIE_KEY);
  });
});

describe('a page on PagerDuty and Opsgenie', () => {
  it('triggers an alert, and acknowledging it in Stopline acknowledges the same alert', async () => {
    await both();
    const responder = await loginAs(t, 'responder');
    const report = await emergency('Customer database is public');
    expect(await deliver()).toMatchObject({ delivered: 2 });
    await pd.waitFor(1);
    await og.waitFor(1);
    expect(pd.refused).toEqual([]);
    expect(og.refused).toEqual([]);
    const trigger = pd.seen[0]!;
    expect(trigger).toMatchObject({
      routing_key: ROUTING_KEY,
      event_action: 'trigger',
      dedup_key: expect.stringMatching(/^stopline-page-/),
      payload: {
        summary: `Emergency security report: ${report.key} Customer database is public`,
        severity: 'critical',
      },
      links: [{ href: `${base()}/app/reports/${report.key}`, text: 'Open in Stopline' }],
    });
    expect(og.seen[0]).toMatchObject({
      action: 'create',
      alias: trigger.dedup_key,
      body: { message: `Emergency security report: ${report.key} Customer database is public` },
    });
    // No acknowledge link goes to a service others read.
    expect(JSON.stringify([pd.seen, og.seen])).not.toContain('/ack?token=');

    const pages = await t.app.inject({ url: '/api/v1/me/pages', headers: responder.headers });
    const pageId = pages.json()[0].id as string;
    expect(trigger.dedup_key).toBe(`stopline-page-${pageId}`);
    const ack = await t.app.inject({
      method: 'POST',
      url: `/api/v1/pages/${pageId}/acknowledge`,
      headers: responder.headers,
    });
    expect(ack.statusCode).toBe(200);
    expect(await deliver()).toMatchObject({ delivered: 2 });
    await pd.waitFor(2);
    await og.waitFor(2);
    expect(pd.seen[1]).toEqual({
      routing_key: ROUTING_KEY,
      event_action: 'acknowledge',
      dedup_key: trigger.dedup_key,
    });
    expect(og.seen[1]).toMatchObject({ action: 'acknowledge', alias: trigger.dedup_key });
  });

  it('the line stopping triggers an alert on both; a 500 from PagerDuty is tried again', async () => {
    await both(['incident.line_stopped']);
    pd.answers.push(500);
    const incident = await t.container.services.incidents.openIncident(
      admin('opener'),
      incidentInput({
        title: 'Customer data exposed',
        source: 'monitoring',
        severity: 'P0',
        severityRationale: 'Customer data is being downloaded',
        severityOverride: EMERGENCY,
      }),
    );
    expect(incident.lineStopped).toBe(true);
    expect(await deliver()).toMatchObject({ delivered: 1, failed: 1 });
    const failed = await t.container.db
      .selectFrom('outbox')
      .select(['status', 'last_error'])
      .where('channel', '=', 'pagerduty')
      .executeTakeFirstOrThrow();
    expect(failed).toEqual({ status: 'pending', last_error: 'HTTP 500 from PagerDuty' });
    t.clock.advance(30_000);
    expect(await deliver()).toMatchObject({ delivered: 1 });
    expect(pd.seen.map((e) => [e.event_action, e.dedup_key])).toEqual([
      ['trigger', `stopline-line-${incident.id}`],
      ['trigger', `stopline-line-${incident.id}`],
    ]);
    expect(og.seen[0]).toMatchObject({ action: 'create', alias: `stopline-line-${incident.id}` });
  });
});
