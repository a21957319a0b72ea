// Alert tests: sources made by an admin, payloads sent as a monitoring tool sends them, and the
// alerts of a source as staff read them.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { DEFAULT_POLICY_TEXT } from './policies.ts';
import type { TestApp } from './test-app.ts';

type Headers = Record<string, string>;
export const PAGERDUTY_URL = '/api/v1/alert-intake/pagerduty/v2/enqueue';

export interface MadeSource {
  source: { id: string; keyHint: string; intakeUrl: string };
  key: string;
  signingSecret: string | null;
}

export async function newSource(t: TestApp, admin: Headers, body: object): Promise<MadeSource> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/alert-sources',
    headers: admin,
    payload: body,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

/** PagerDuty's documented example trigger (Events API v2, "Send an alert event"). */
export function pagerDutyExample(routingKey: string, dedupKey?: string) {
  return {
    payload: {
      summary: 'DISK at 99% on machine prod-datapipe03.example.com',
      timestamp: '2015-07-17T08:42:58.315+0000',
      severity: 'critical',
      source: 'prod-datapipe03.example.com',
      component: 'mysql',
      group: 'prod-datapipe',
      class: 'disk',
      custom_details: { 'free space': '1%', ping_time: '1500ms', load_avg: 0.75 } as unknown,
    },
    routing_key: routingKey,
    ...(dedupKey ? { dedup_key: dedupKey } : {}),
    images: [
      {
        src: 'https://chart.googleapis.com/chart?chs=600x400&chd=t:6,2,9,5,2,5,7,4,8,2,1&cht=lc&chds=a&chxt=y&chm=D,0033FF,0,0,5,1',
      },
    ],
    links: [{ href: 'https://example.com/', text: 'Link text' }],
    event_action: 'trigger',
    client: 'Sample Monitoring Service',
    client_url: 'https://monitoring.service.com',
  };
}

export function sendAlert(
  t: TestApp,
  url: string,
  payload: object | string,
  headers: Headers = {},
) {
  return t.app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json', ...headers },
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });
}

export interface AlertSeen {
  id: string;
  dedupKey: string;
  status: string;
  count: number;
  summary: string;
  severity: string;
  labels: Record<string, string>;
  details: Record<string, unknown>;
  detectedAt: string;
  lastPayloadId: string;
  routing: {
    decision: string;
    policyHash: string;
    policyRevision: string;
    ruleId: string | null;
    incidentId: string | null;
    groupKey: string | null;
  } | null;
}

export async function alertsOf(t: TestApp, reader: Headers, sourceId: string) {
  const res = await t.app.inject({
    method: 'GET',
    url: `/api/v1/alerts?sourceId=${sourceId}&limit=200`,
    headers: reader,
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().items as AlertSeen[];
}

/** The bundled policy with an alerts section added, written to a temp file; answers its path. */
export function policyWithAlerts(section: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'stopline-policy-')), 'policy.yaml');
  writeFileSync(path, `${DEFAULT_POLICY_TEXT}\n${section}`);
  return path;
}

/** One alert as Prometheus Alertmanager sends it (webhook version 4), firing since `startsAt`. */
export function alertmanagerAlert(
  labels: Record<string, string>,
  fingerprint: string,
  startsAt: number,
  summary = `${labels['alertname']} on ${labels['instance']}`,
) {
  return {
    status: 'firing',
    labels,
    annotations: { summary },
    startsAt: new Date(startsAt).toISOString(),
    endsAt: '0001-01-01T00:00:00Z',
    generatorURL: 'http://prometheus:9090/graph',
    fingerprint,
  };
}

/** Alertmanager's webhook payload (version 4) around these alerts. */
export function alertmanagerHook(alerts: object[]) {
  return {
    version: '4',
    status: 'firing',
    receiver: 'stopline',
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://alertmanager:9093',
    groupKey: '{}:{}',
    truncatedAlerts: 0,
    alerts,
  };
}
