// Alert intake (issue 18, items 1 and 2): admins add sources (key shown once, stored hashed,
// rotatable, optional HMAC signature), and monitoring tools send alerts that are stored raw and
// hashed before they are parsed, then recorded with deduplication as the senders expect:
// PagerDuty's Events API v2 (the documented example event; trigger / acknowledge / resolve,
// 202 with the dedup key, 400 naming fields, 429 with Retry-After), Alertmanager's and Grafana's
// webhooks and a generic JSON webhook read through its mapping. Bad input: unknown keys, bad
// signatures, 10 MB, deep nesting, script in every field, a flood of one dedup key.
import { createHash, createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  alertsOf as alertsOf_,
  newSource as newSource_,
  PAGERDUTY_URL,
  pagerDutyExample,
  sendAlert,
} from '../helpers/alerts.ts';
import { loginAs } from '../helpers/auth.ts';
import { succeeding } from '../helpers/status.ts';
import { countRows, createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
type Headers = Record<string, string>;
let admin: Headers;
let responder: Headers;
const call = succeeding(() => t);
const PD = PAGERDUTY_URL;

beforeAll(async () => {
  t = await createTestApp();
  admin = (await loginAs(t, 'admin')).headers;
  responder = (await loginAs(t, 'responder')).headers;
});
afterAll(async () => t.close());

const newSource = (body: object) => newSource_(t, admin, body);
const send = (url: string, payload: object | string, headers: Headers = {}) =>
  sendAlert(t, url, payload, headers);
const alertsOf = (sourceId: string) => alertsOf_(t, responder, sourceId);

describe('alert sources', () => {
  it('shows the key once, keeps a hint, and only admins manage sources', async () => {
    const made = await newSource({ name: 'PagerDuty-like', kind: 'pagerduty' });
    expect(made.key).toMatch(/^[0-9a-f]{32}$/);
    expect(made.source.keyHint).toBe(made.key.slice(-4));
    expect(made.source.intakeUrl).toMatch(/\/api\/v1\/alert-intake\/pagerduty\/v2\/enqueue$/);
    const list = await call('GET', '/api/v1/alert-sources', admin);
    expect(JSON.stringify(list)).not.toContain(made.key);
    const row = await t.container.db
      .selectFrom('alert_sources')
      .selectAll()
      .where('id', '=', made.source.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(made.key);
    expect(row.key_hash).toBe(createHash('sha256').update(made.key).digest('hex'));
    const denied = await t.app.inject({
      method: 'POST',
      url: '/api/v1/alert-sources',
      headers: responder,
      payload: { name: 'x', kind: 'pagerduty' },
    });
    expect(denied.statusCode).toBe(403);
    const listDenied = await t.app.inject({
      method: 'GET',
      url: '/api/v1/alert-sources',
      headers: responder,
    });
    expect(listDenied.statusCode).toBe(403);
  });

  it('refuses a bad source with field errors: a generic one without mapping, a taken name', async () => {
    const noMapping = await t.app.inject({
      method: 'POST',
      url: '/api/v1/alert-sources',
      headers: admin,
      payload: { name: 'g', kind: 'generic' },
    });
    expect(noMapping.statusCode).toBe(400);
    expect(noMapping.json().errors).toEqual([
      { field: 'mapping', message: 'a generic source needs a mapping' },
    ]);
    const badPath = await t.app.inject({
      method: 'POST',
      url: '/api/v1/alert-sources',
      headers: admin,
      payload: { name: 'g', kind: 'generic', mapping: { dedupKey: 'a b', summary: 'title' } },
    });
    expect(badPath.statusCode).toBe(400);
    expect(badPath.json().errors[0].field).toBe('mapping.dedupKey');
    await newSource({ name: 'taken', kind: 'grafana' });
    const taken = await t.app.inject({
      method: 'POST',
      url: '/api/v1/alert-sources',
      headers: admin,
      payload: { name: 'taken', kind: 'grafana' },
    });
    expect(taken.statusCode).toBe(409);
  });

  it('rotating the key stops the old one at once', async () => {
    const made = await newSource({ name: 'rotating', kind: 'pagerduty' });
    expect((await send(PD, pagerDutyExample(made.key))).statusCode).toBe(202);
    const rotated = await call('POST', `/api/v1/alert-sources/${made.source.id}/key`, admin);
    expect(rotated.key).not.toBe(made.key);
    expect((await send(PD, pagerDutyExample(made.key))).statusCode).toBe(404);
    expect((await send(PD, pagerDutyExample(rotated.key))).statusCode).toBe(202);
  });
});

describe('PagerDuty Events API v2', () => {
  let key: string;
  let sourceId: string;
  beforeAll(async () => {
    const made = await newSource({ name: 'pd', kind: 'pagerduty' });
    key = made.key;
    sourceId = made.source.id;
  });

  it('takes the documented example: 202 with the dedup key, one alert with its content', async () => {
    const res = await send(PD, pagerDutyExample(key, 'disk-prod-datapipe03'));
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({
      status: 'success',
      message: 'Event processed',
      dedup_key: 'disk-prod-datapipe03',
    });
    const [alert] = await alertsOf(sourceId);
    expect(alert).toMatchObject({
      dedupKey: 'disk-prod-datapipe03',
      status: 'firing',
      count: 1,
      severity: 'critical',
      summary: 'DISK at 99% on machine prod-datapipe03.example.com',
      labels: { component: 'mysql', group: 'prod-datapipe', class: 'disk' },
      details: { 'free space': '1%', ping_time: '1500ms', load_avg: 0.75 },
      // The alert's own time, not when it arrived.
      detectedAt: '2015-07-17T08:42:58.315Z',
    });
    // Waiting for triage under the policy in force, which is on the record.
    expect(alert!.routing).toMatchObject({ decision: 'triage', ruleId: null });
    expect(alert!.routing!.policyHash).toBe(t.container.policy.hash);
  });

  it('trigger, re-fire, acknowledge, resolve; after the resolve a trigger is a new alert', async () => {
    const dedup = 'svc-latency';
    expect((await send(PD, pagerDutyExample(key, dedup))).statusCode).toBe(202);
    t.clock.advance(60_000);
    expect((await send(PD, pagerDutyExample(key, dedup))).statusCode).toBe(202);
    let open = (await alertsOf(sourceId)).filter((a) => a.dedupKey === dedup);
    expect(open.map((a) => [a.status, a.count])).toEqual([['firing', 2]]);
    const ack = { routing_key: key, dedup_key: dedup, event_action: 'acknowledge' };
    expect((await send(PD, ack)).statusCode).toBe(202);
    open = (await alertsOf(sourceId)).filter((a) => a.dedupKey === dedup);
    expect(open.map((a) => a.status)).toEqual(['acknowledged']);
    const resolve = { routing_key: key, dedup_key: dedup, event_action: 'resolve' };
    expect((await send(PD, resolve)).statusCode).toBe(202);
    // A second resolve finds nothing open: accepted, nothing changes.
    expect((await send(PD, resolve)).statusCode).toBe(202);
    t.clock.advance(60_000);
    expect((await send(PD, pagerDutyExample(key, dedup))).statusCode).toBe(202);
    const all = (await alertsOf(sourceId)).filter((a) => a.dedupKey === dedup);
    expect(all.map((a) => [a.status, a.count])).toEqual([
      ['firing', 1],
      ['resolved', 2],
    ]);
    const detail = await call('GET', `/api/v1/alerts/${all[1]!.id}`, responder);
    expect(detail.record.map((e: { type: string }) => e.type)).toEqual([
      'alert.triggered',
      'alert.routed',
      'alert.refired',
      'alert.acknowledged',
      'alert.resolved',
    ]);
  });

  it('makes a dedup key for a trigger that sends none and answers it', async () => {
    const res = await send(PD, pagerDutyExample(key));
    expect(res.statusCode).toBe(202);
    const dedupKey = res.json().dedup_key as string;
    expect(dedupKey).toMatch(/^[0-9a-f]{32}$/);
    expect((await alertsOf(sourceId)).some((a) => a.dedupKey === dedupKey)).toBe(true);
  });

  it('answers 400 naming each bad field, and records no alert', async () => {
    const before = await countRows(t, 'alerts');
    const bad = pagerDutyExample(key) as Record<string, unknown>;
    const res = await send(PD, {
      ...bad,
      event_action: 'explode',
      payload: { summary: '', source: 'x', severity: 'sev1' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const fields = (res.json().errors as { field: string }[]).map((e) => e.field).sort();
    expect(fields).toEqual(['event_action', 'payload.severity', 'payload.summary']);
    const noKey = await send(PD, { routing_key: key, event_action: 'resolve' });
    expect(noKey.statusCode).toBe(400);
    expect(noKey.json().errors).toEqual([{ field: 'dedup_key', message: 'is required' }]);
    expect((await send(PD, '{not json')).statusCode).toBe(400);
    expect(await countRows(t, 'alerts')).toBe(before);
  });

  it('unknown routing keys: 404, nothing stored but a counter', async () => {
    const payloads = await countRows(t, 'alert_payloads');
    const counted = async () =>
      Number(
        (
          await t.container.db
            .selectFrom('rate_limit_counters')
            .select('count')
            .where('bucket', '=', 'alert-intake:unknown-key')
            .executeTakeFirst()
        )?.count ?? 0,
      );
    const before = await counted();
    const res = await send(PD, pagerDutyExample('0'.repeat(32)));
    expect(res.statusCode).toBe(404);
    expect(await countRows(t, 'alert_payloads')).toBe(payloads);
    expect(await counted()).toBe(before + 1);
  });

  it('stores the payload exactly as it arrived, hashed, with the key masked', async () => {
    const text = JSON.stringify(pagerDutyExample(key, 'raw-check'), null, 2);
    const res = await send(PD, text);
    expect(res.statusCode).toBe(202);
    const [alert] = (await alertsOf(sourceId)).filter((a) => a.dedupKey === 'raw-check');
    const payload = await t.app.inject({
      method: 'GET',
      url: `/api/v1/alert-payloads/${alert!.lastPayloadId}`,
      headers: responder,
    });
    expect(payload.statusCode).toBe(200);
    expect(payload.body).toBe(text.replace(key, '*'.repeat(key.length)));
    expect(payload.headers['x-content-sha256']).toBe(
      createHash('sha256').update(payload.rawPayload).digest('hex'),
    );
    const stored = await t.container.db.selectFrom('alert_payloads').select('body').execute();
    expect(stored.some((r) => r.body.includes(key))).toBe(false);
  });

  it('429 with Retry-After once a source is over its rate; nothing of it stored', async () => {
    const made = await newSource({ name: 'slow', kind: 'pagerduty', ratePerMinute: 2 });
    t.clock.set(Date.parse('2026-03-02T10:00:15Z'));
    expect((await send(PD, pagerDutyExample(made.key, 'a'))).statusCode).toBe(202);
    expect((await send(PD, pagerDutyExample(made.key, 'b'))).statusCode).toBe(202);
    const payloads = await countRows(t, 'alert_payloads');
    const over = await send(PD, pagerDutyExample(made.key, 'c'));
    expect(over.statusCode).toBe(429);
    expect(over.headers['retry-after']).toBe('45');
    expect(await countRows(t, 'alert_payloads')).toBe(payloads);
    t.clock.advance(45_000);
    expect((await send(PD, pagerDutyExample(made.key, 'c'))).statusCode).toBe(202);
  });

  it('a flood of one dedup key is one alert and a counter, nothing lost', async () => {
    const results = await Promise.all(
      Array.from({ length: 60 }, () => send(PD, pagerDutyExample(key, 'flood'))),
    );
    expect(results.map((r) => r.statusCode)).toEqual(results.map(() => 202));
    const flood = (await alertsOf(sourceId)).filter((a) => a.dedupKey === 'flood');
    expect(flood.map((a) => [a.status, a.count])).toEqual([['firing', 60]]);
  });

  it('refuses 10 MB (413, nothing stored); cuts deep nesting; keeps script as text', async () => {
    const payloads = await countRows(t, 'alert_payloads');
    const huge = pagerDutyExample(key, 'huge');
    huge.payload.custom_details = { blob: 'x'.repeat(10 * 1024 * 1024) } as never;
    expect((await send(PD, huge)).statusCode).toBe(413);
    const am = await newSource({ name: 'am-huge', kind: 'alertmanager' });
    const tooBig = await send('/api/v1/alert-intake/alertmanager', JSON.stringify(huge), {
      authorization: `Bearer ${am.key}`,
    });
    expect(tooBig.statusCode).toBe(413);
    expect(await countRows(t, 'alert_payloads')).toBe(payloads);

    // 1,000 and 60,000 levels: taken, the details cut (the raw payload keeps them all).
    const nestedText = (depth: number, dedup: string) =>
      JSON.stringify(pagerDutyExample(key, dedup)).replace(
        '"custom_details":{',
        `"custom_details":${'{"d":'.repeat(depth)}{}${'}'.repeat(depth)},"x":{`,
      );
    expect((await send(PD, nestedText(1000, 'deep'))).statusCode).toBe(202);
    const [cut] = (await alertsOf(sourceId)).filter((a) => a.dedupKey === 'deep');
    expect(JSON.stringify(cut!.details)).toContain('nested too deeply');
    expect((await send(PD, nestedText(60_000, 'deeper'))).statusCode).toBe(202);
    const [deeper] = (await alertsOf(sourceId)).filter((a) => a.dedupKey === 'deeper');
    expect(JSON.stringify(deeper!.details)).toContain('nested too deeply');

    const script = '<script>alert(1)</script>';
    const hostile = {
      routing_key: key,
      event_action: 'trigger',
      dedup_key: script,
      payload: {
        summary: script,
        source: script,
        severity: 'warning',
        component: script,
        custom_details: { [script]: script },
      },
      links: [{ href: 'javascript:alert(1)', text: script }],
    };
    expect((await send(PD, hostile)).statusCode).toBe(202);
    const [kept] = (await alertsOf(sourceId)).filter((a) => a.dedupKey === script);
    expect(kept).toMatchObject({ summary: script, labels: { component: script } });
  });
});

describe('signatures', () => {
  it('a source with a signing secret takes only payloads signed with it', async () => {
    const made = await newSource({ name: 'signed', kind: 'pagerduty', signature: true });
    expect(made.signingSecret).toBeTruthy();
    const body = JSON.stringify(pagerDutyExample(made.key, 'signed'));
    const sign = (secret: string, text: string) =>
      createHmac('sha256', secret).update(text).digest('hex');
    expect((await send(PD, body)).statusCode).toBe(401);
    const wrong = await send(PD, body, { 'x-stopline-signature': sign('other', body) });
    expect(wrong.statusCode).toBe(401);
    const right = await send(PD, body, {
      'x-stopline-signature': `sha256=${sign(made.signingSecret!, body)}`,
    });
    expect(right.statusCode).toBe(202);
    // The secret is sealed with the server key, never stored in clear.
    const row = await t.container.db
      .selectFrom('alert_sources')
      .select('signing_secret')
      .where('id', '=', made.source.id)
      .executeTakeFirstOrThrow();
    expect(row.signing_secret).not.toContain(made.signingSecret!);
    // Rotated: the old secret stops working; removed: no check.
    const rotated = await call(
      'POST',
      `/api/v1/alert-sources/${made.source.id}/signing-secret`,
      admin,
    );
    const old = await send(PD, body, { 'x-stopline-signature': sign(made.signingSecret!, body) });
    expect(old.statusCode).toBe(401);
    const renewed = await send(PD, body, {
      'x-stopline-signature': sign(rotated.signingSecret, body),
    });
    expect(renewed.statusCode).toBe(202);
    await call('DELETE', `/api/v1/alert-sources/${made.source.id}/signing-secret`, admin);
    expect((await send(PD, body)).statusCode).toBe(202);
  });

  it("Grafana's signature with its timestamp header", async () => {
    const made = await newSource({ name: 'grafana-signed', kind: 'grafana', signature: true });
    const body = JSON.stringify(grafanaPayload('firing'));
    const timestamp = '1764806400';
    const signature = createHmac('sha256', made.signingSecret!)
      .update(`${timestamp}:${body}`)
      .digest('hex');
    const res = await send('/api/v1/alert-intake/grafana', body, {
      authorization: `Bearer ${made.key}`,
      'x-grafana-alerting-signature': signature,
      'x-grafana-alerting-signature-timestamp': timestamp,
    });
    expect(res.statusCode).toBe(202);
  });
});

function grafanaPayload(status: 'firing' | 'resolved') {
  return {
    receiver: 'stopline',
    status,
    orgId: 1,
    alerts: [
      {
        status,
        labels: { alertname: 'High CPU', grafana_folder: 'Prod', severity: 'warning' },
        annotations: { summary: 'CPU above 90% on web-1' },
        startsAt: '2026-03-02T08:55:00Z',
        endsAt: status === 'resolved' ? '2026-03-02T09:10:00Z' : '0001-01-01T00:00:00Z',
        generatorURL: 'https://grafana.example.com/alerting/grafana/abc/view',
        fingerprint: '57c6d9296de2ad39',
        silenceURL: 'https://grafana.example.com/alerting/silence/new',
        dashboardURL: 'https://grafana.example.com/d/abc',
        panelURL: 'https://grafana.example.com/d/abc?viewPanel=1',
        values: { B: 93.2, C: 1 },
        valueString: "[ var='B' labels={} value=93.2 ]",
      },
    ],
    groupLabels: { alertname: 'High CPU' },
    commonLabels: { alertname: 'High CPU' },
    commonAnnotations: {},
    externalURL: 'https://grafana.example.com/',
    version: '1',
    groupKey: '{}:{alertname="High CPU"}',
    truncatedAlerts: 0,
    title: '[FIRING:1] High CPU',
    state: 'alerting',
    message: 'CPU above 90%',
  };
}

describe('webhooks: Alertmanager, Grafana, generic', () => {
  it('Alertmanager v4: one alert per fingerprint; resolved resolves it; a bearer key is needed', async () => {
    const made = await newSource({ name: 'am', kind: 'alertmanager' });
    const hook = (status: 'firing' | 'resolved') => ({
      version: '4',
      groupKey: '{}:{alertname="InstanceDown"}',
      truncatedAlerts: 0,
      status,
      receiver: 'stopline',
      groupLabels: { alertname: 'InstanceDown' },
      commonLabels: { alertname: 'InstanceDown', severity: 'critical' },
      commonAnnotations: {},
      externalURL: 'http://alertmanager:9093',
      alerts: ['web-1:9100', 'web-2:9100'].map((instance, i) => ({
        status,
        labels: { alertname: 'InstanceDown', instance, severity: 'critical' },
        annotations: { summary: `${instance} is down` },
        startsAt: '2026-03-02T08:50:00Z',
        endsAt: status === 'resolved' ? '2026-03-02T09:20:00Z' : '0001-01-01T00:00:00Z',
        generatorURL: 'http://prometheus:9090/graph',
        fingerprint: `f00${i}`,
      })),
    });
    const url = '/api/v1/alert-intake/alertmanager';
    expect((await send(url, hook('firing'))).statusCode).toBe(404);
    const auth = { authorization: `Bearer ${made.key}` };
    const first = await send(url, hook('firing'), auth);
    expect(first.statusCode).toBe(202);
    expect(first.json()).toMatchObject({ status: 'success', alerts: 2 });
    // Basic auth with the key as password works too; a re-send re-fires.
    const basic = { authorization: `Basic ${Buffer.from(`am:${made.key}`).toString('base64')}` };
    expect((await send(url, hook('firing'), basic)).statusCode).toBe(202);
    let mine = await alertsOf(made.source.id);
    expect(mine.map((a) => [a.dedupKey, a.status, a.count, a.severity]).sort()).toEqual([
      ['f000', 'firing', 2, 'critical'],
      ['f001', 'firing', 2, 'critical'],
    ]);
    expect(mine[0]!.detectedAt).toBe('2026-03-02T08:50:00.000Z');
    expect((await send(url, hook('resolved'), auth)).statusCode).toBe(202);
    mine = await alertsOf(made.source.id);
    expect(mine.map((a) => a.status)).toEqual(['resolved', 'resolved']);
    const wrongVersion = await send(url, { ...hook('firing'), version: '3' }, auth);
    expect(wrongVersion.statusCode).toBe(400);
    expect(wrongVersion.json().errors).toEqual([
      { field: 'version', message: 'must be "4" (Alertmanager webhook v4)' },
    ]);
  });

  it("Grafana: the Alertmanager shape with Grafana's links and values", async () => {
    const made = await newSource({ name: 'grafana', kind: 'grafana' });
    const auth = { authorization: `Bearer ${made.key}` };
    const url = '/api/v1/alert-intake/grafana';
    expect((await send(url, grafanaPayload('firing'), auth)).statusCode).toBe(202);
    const [alert] = await alertsOf(made.source.id);
    expect(alert).toMatchObject({
      dedupKey: '57c6d9296de2ad39',
      summary: 'CPU above 90% on web-1',
      severity: 'warning',
      status: 'firing',
    });
    expect(alert!.details).toMatchObject({ values: { B: 93.2, C: 1 } });
    // A key of another kind of source is not taken here.
    const am = await newSource({ name: 'am-2', kind: 'alertmanager' });
    const other = await send(url, grafanaPayload('firing'), {
      authorization: `Bearer ${am.key}`,
    });
    expect(other.statusCode).toBe(404);
    expect((await send(url, grafanaPayload('resolved'), auth)).statusCode).toBe(202);
    expect((await alertsOf(made.source.id)).map((a) => a.status)).toEqual(['resolved']);
  });

  it('generic JSON through its mapping', async () => {
    const made = await newSource({
      name: 'uptime',
      kind: 'generic',
      mapping: {
        alerts: 'checks',
        dedupKey: 'id',
        summary: 'title',
        severity: 'level',
        status: 'state',
        resolvedValues: ['up'],
        detectedAt: 'since',
        labels: 'tags',
      },
    });
    const auth = { authorization: `Bearer ${made.key}` };
    const url = '/api/v1/alert-intake/generic';
    const body = (state: string) => ({
      checks: [
        {
          id: 'chk-1',
          title: 'Login page down',
          level: 'high',
          state,
          since: '2026-03-02T08:59:00Z',
          tags: { service: 'login', region: 'eu' },
        },
      ],
    });
    expect((await send(url, body('down'), auth)).statusCode).toBe(202);
    const [alert] = await alertsOf(made.source.id);
    expect(alert).toMatchObject({
      dedupKey: 'chk-1',
      summary: 'Login page down',
      severity: 'error',
      status: 'firing',
      labels: { service: 'login', region: 'eu' },
      detectedAt: '2026-03-02T08:59:00.000Z',
    });
    const missing = await send(url, { checks: [{ title: 'no id' }] }, auth);
    expect(missing.statusCode).toBe(400);
    expect(missing.json().errors).toEqual([
      { field: 'checks.0.id', message: 'is required (text)' },
    ]);
    expect((await send(url, body('up'), auth)).statusCode).toBe(202);
    expect((await alertsOf(made.source.id)).map((a) => a.status)).toEqual(['resolved']);
  });

  it('alerts are read with alerts.read only', async () => {
    const comms = (await loginAs(t, 'comms')).headers;
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/alerts', headers: comms });
    expect(res.statusCode).toBe(403);
  });
});
