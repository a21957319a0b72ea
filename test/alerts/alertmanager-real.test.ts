// A real Prometheus Alertmanager (Debian's prometheus-alertmanager) sends to Stopline (issue 18):
// the test starts it with a webhook receiver pointing at Stopline's Alertmanager intake, posts
// alerts to its API (/api/v2/alerts), and checks one alert per fingerprint, the policy's rule
// opening an incident (the second instance joining it), a re-send re-firing, and the resolve
// recorded on the incident without closing it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/server/clock.ts';
import {
  alertsOf as alertsOf_,
  newSource,
  policyWithAlerts,
  type AlertSeen,
  type MadeSource,
} from '../helpers/alerts.ts';
import { loginAs } from '../helpers/auth.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const ALERTMANAGER = '/usr/bin/prometheus-alertmanager';
const RULES = `alerts:
  rules:
    - id: page-db
      match: { sources: [prod-am], severities: [critical], labels: { team: db } }
      action: open
      severity: P1
      groupBy: [alertname, cluster]
      attachWithin: 30m
`;

let t: TestApp;
let lead: Record<string, string>;
let am: MadeSource;
let manager: ChildProcess;
let dir: string;
let amUrl: string;
const alertsOf = () => alertsOf_(t, lead, am.source.id);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** Polls until `check` passes (a real peer answers in its own time), at most `ms`. */
async function until<T>(what: string, check: () => Promise<T | null>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== null) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  // Alertmanager stamps alerts with its own clock: Stopline's runs at real time here.
  t = await createTestApp({
    env: { STOPLINE_POLICY: policyWithAlerts(RULES) },
    clock: new FakeClock(Date.now()),
  });
  lead = (await loginAs(t, 'security_lead')).headers;
  am = await newSource(t, (await loginAs(t, 'admin')).headers, {
    name: 'prod-am',
    kind: 'alertmanager',
  });
  const stopline = await t.app.listen({ port: 0, host: '127.0.0.1' });
  dir = mkdtempSync(join(tmpdir(), 'stopline-alertmanager-'));
  const config = join(dir, 'alertmanager.yml');
  writeFileSync(
    config,
    `route:
  receiver: stopline
  group_by: [alertname, cluster]
  group_wait: 100ms
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: stopline
    webhook_configs:
      - url: ${stopline}/api/v1/alert-intake/alertmanager
        send_resolved: true
        http_config:
          authorization:
            credentials: ${am.key}
`,
  );
  const port = await freePort();
  amUrl = `http://127.0.0.1:${port}`;
  manager = spawn(
    ALERTMANAGER,
    [
      `--config.file=${config}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    { stdio: 'ignore' },
  );
  await until('Alertmanager to start', async () => {
    const res = await fetch(`${amUrl}/-/ready`).catch(() => null);
    return res?.ok ? true : null;
  });
}, 60_000);

afterAll(async () => {
  manager?.kill();
  await t?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const startsAt = new Date(Date.now() - 5 * 60_000).toISOString();
const diskFull = (instance: string, endsAt?: string) => ({
  labels: { alertname: 'DiskFull', cluster: 'c1', team: 'db', severity: 'critical', instance },
  annotations: { summary: `Disk full on ${instance}` },
  startsAt,
  ...(endsAt ? { endsAt } : {}),
});

async function post(alerts: object[]) {
  const res = await fetch(`${amUrl}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(alerts),
  });
  expect(res.status).toBe(200);
}

const byInstance = (alerts: AlertSeen[]) =>
  Object.fromEntries(alerts.map((a) => [a.labels['instance'], a]));

describe('a real Alertmanager sends to Stopline', () => {
  it('one alert per fingerprint; the rule opens an incident from the detection time, the second joins it', async () => {
    await post([diskFull('db-1'), diskFull('db-2')]);
    const alerts = await until('two alerts', async () => {
      const found = await alertsOf();
      return found.length === 2 ? found : null;
    });
    const seen = byInstance(alerts);
    expect(seen['db-1']!.status).toBe('firing');
    expect(seen['db-1']!.detectedAt).toBe(startsAt);
    const decisions = alerts.map((a) => a.routing!.decision).sort();
    expect(decisions).toEqual(['attached', 'opened']);
    const incidentIds = new Set(alerts.map((a) => a.routing!.incidentId));
    expect(incidentIds.size).toBe(1);
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/incidents/${[...incidentIds][0]}`,
      headers: lead,
    });
    expect(res.json().incident).toMatchObject({
      severity: 'P1',
      detectedAt: startsAt,
      declaredAt: startsAt,
    });
  });

  it('a new alert in the group makes Alertmanager send the group again: the others re-fire', async () => {
    await post([diskFull('db-1'), diskFull('db-2'), diskFull('db-3')]);
    const alerts = await until('the re-sent group', async () => {
      const found = await alertsOf();
      return found.length === 3 &&
        found.every((a) => a.labels['instance'] === 'db-3' || a.count > 1)
        ? found
        : null;
    });
    const seen = byInstance(alerts);
    expect(seen['db-3']!.routing!.decision).toBe('attached');
    expect(seen['db-1']!.routing!.incidentId).toBe(seen['db-3']!.routing!.incidentId);
  });

  it('resolved by Alertmanager: the alerts resolve, the incident records it and stays open', async () => {
    const now = new Date().toISOString();
    await post([diskFull('db-1', now), diskFull('db-2', now), diskFull('db-3', now)]);
    const alerts = await until('the resolve', async () => {
      const found = await alertsOf();
      return found.every((a) => a.status === 'resolved') ? found : null;
    });
    const incidentId = alerts[0]!.routing!.incidentId!;
    const timeline = await t.app.inject({
      method: 'GET',
      url: `/api/v1/incidents/${incidentId}/timeline?limit=200`,
      headers: lead,
    });
    const types = (timeline.json().items as { type: string }[]).map((e) => e.type);
    expect(types.filter((x) => x === 'incident.alert_resolved')).toHaveLength(3);
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/incidents/${incidentId}`,
      headers: lead,
    });
    expect(res.json().incident.closedAt).toBeNull();
    expect(res.json().incident.phase).toBe(t.container.policy.policy.phases[0]!.id);
  });
});
