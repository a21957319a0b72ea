// Alerts as pure decisions (issue 18): the policy's alerts section as `stopline policy check`
// reads it (the line and field of each mistake), which rule routes an alert and by which key it
// is grouped, deduplication as senders expect, and the tools' payloads read as signals.
import { describe, expect, it } from 'vitest';
import { applySignal } from '../../src/server/domain/alerts/alert-rules.ts';
import type { AlertState } from '../../src/server/domain/alerts/alert-state.ts';
import {
  mapSeverity,
  readAlertmanager,
  readPagerDuty,
  type AlertSignal,
} from '../../src/server/domain/alerts/intake-rules.ts';
import { firstRule, groupKeyOf } from '../../src/server/domain/alerts/routing-rules.ts';
import { describePolicy, parsePolicy, type Policy } from '../../src/server/domain/policy/index.ts';
import { DEFAULT_POLICY_TEXT } from '../helpers/policies.ts';

function withAlerts(section: string) {
  return parsePolicy(`${DEFAULT_POLICY_TEXT}\n${section}`);
}

function policyWith(section: string): Policy {
  const parsed = withAlerts(section);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.policy;
}

describe('the policy’s alerts section', () => {
  it('is optional: the bundled policy routes every alert to triage', () => {
    const parsed = parsePolicy(DEFAULT_POLICY_TEXT);
    expect(parsed.ok && parsed.policy.alerts.rules).toEqual([]);
  });

  it('reads rules with their windows, and describes them', () => {
    const policy = policyWith(`alerts:
  rules:
    - id: page
      match: { sources: [prod], severities: [critical], labels: { team: [db, storage], env: '*' } }
      action: open
      severity: P1
      groupBy: [alertname]
      attachWithin: 30m
    - id: noise
      action: ignore
`);
    expect(policy.alerts.rules[0]).toMatchObject({ attachWithin: 30 * 60_000, severity: 'P1' });
    expect(describePolicy(policy)).toContain(
      '2 alert rules: page opens P1 (attaching within 30m) and noise ignores',
    );
  });

  it('refuses mistakes, naming the field', () => {
    const parsed = withAlerts(`alerts:
  rules:
    - id: a
      action: open
      severity: P9
    - id: a
      action: attach
    - id: b
      action: triage
      severity: P1
      attachWithin: 1h
`);
    expect(parsed.ok).toBe(false);
    const problems = parsed.ok ? [] : parsed.problems.map((p) => `${p.path}: ${p.message}`);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^alerts\.rules\[0\]\.severity: "P9" is not one of the severities/),
        'alerts.rules[1].id: duplicate alert rule id "a"',
        'alerts.rules[1].attachWithin: a rule that attaches needs attachWithin (how long an incident takes alerts)',
        'alerts.rules[2].severity: only a rule that opens an incident gives a severity (this one says triage)',
        'alerts.rules[2].attachWithin: only a rule that opens or attaches has attachWithin (this one says triage)',
      ]),
    );
    const shape = withAlerts(`alerts:
  rules:
    - id: c
      action: explode
    - id: d
      action: open
      match: { severity: [critical] }
`);
    expect(shape.ok ? [] : shape.problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      'alerts.rules[0].action: must be one of open, attach, triage, ignore (got "explode")',
      'alerts.rules[1].match.severity: unknown field "severity"; allowed here: sources, severities, labels',
    ]);
  });

  it('refuses a severity on an opening rule when the policy allows no emergency severity', () => {
    const text = `${DEFAULT_POLICY_TEXT.replace('allowEmergencySeverity: true', 'allowEmergencySeverity: false')}
alerts:
  rules:
    - id: page
      action: open
      severity: P0
`;
    const parsed = parsePolicy(text);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.problems[0]!.message).toMatch(/allowEmergencySeverity is false/);
  });
});

describe('routing', () => {
  const policy = policyWith(`alerts:
  rules:
    - id: test-noise
      match: { labels: { env: test } }
      action: ignore
    - id: db
      match: { sources: [prod-am], severities: [critical, error], labels: { team: [db, storage] } }
      action: open
      groupBy: [alertname, cluster]
      attachWithin: 1h
    - id: any-service
      match: { labels: { service: '*' } }
      action: attach
      attachWithin: 2h
`);
  const alert = (over: Partial<Parameters<typeof firstRule>[1]> = {}) => ({
    sourceName: 'prod-am',
    sourceId: 's1',
    severity: 'critical' as const,
    labels: { alertname: 'DiskFull', cluster: 'c1', team: 'db' },
    dedupKey: 'f1',
    ...over,
  });

  it('the first rule that fits decides', () => {
    expect(firstRule(policy.alerts, alert())?.id).toBe('db');
    expect(firstRule(policy.alerts, alert({ labels: { team: 'db', env: 'test' } }))?.id).toBe(
      'test-noise',
    );
    expect(firstRule(policy.alerts, alert({ sourceName: 'staging-am' }))).toBeNull();
    expect(firstRule(policy.alerts, alert({ severity: 'warning' }))).toBeNull();
    expect(firstRule(policy.alerts, alert({ labels: { team: 'web' } }))).toBeNull();
    expect(firstRule(policy.alerts, alert({ labels: { service: 'x' } }))?.id).toBe('any-service');
  });

  it('groups by the rule and its labels, or by the source and dedup key', () => {
    const db = policy.alerts.rules[1]!;
    expect(groupKeyOf(db, alert())).toBe(groupKeyOf(db, alert({ dedupKey: 'f2' })));
    expect(groupKeyOf(db, alert())).not.toBe(
      groupKeyOf(db, alert({ labels: { alertname: 'DiskFull', cluster: 'c2', team: 'db' } })),
    );
    const any = policy.alerts.rules[2]!;
    expect(groupKeyOf(any, alert())).not.toBe(groupKeyOf(any, alert({ dedupKey: 'f2' })));
  });
});

describe('deduplication', () => {
  const signal = (action: AlertSignal['action']): AlertSignal => ({
    action,
    dedupKey: 'k',
    summary: 's',
    severity: 'error',
    origin: null,
    labels: {},
    links: [],
    details: {},
    detectedAt: null,
    endedAt: null,
  });
  const ref = { payloadId: 'p', payloadHash: 'h' };
  const open = { id: 'a', status: 'firing' } as AlertState;

  it('trigger: new without an open alert (detected when it arrived), a re-fire with one', () => {
    const fresh = applySignal(null, signal('trigger'), 's', ref, 1000);
    expect(fresh.kind).toBe('new');
    expect(fresh.kind === 'new' && fresh.events[0]!.data).toMatchObject({ detectedAt: 1000 });
    const again = applySignal(open, signal('trigger'), 's', ref, 2000);
    expect(again.kind === 'update' && again.events.map((e) => e.type)).toEqual(['alert.refired']);
  });

  it('acknowledge and resolve act on the open alert only', () => {
    expect(applySignal(null, signal('resolve'), 's', ref, 1).kind).toBe('none');
    expect(applySignal(null, signal('acknowledge'), 's', ref, 1).kind).toBe('none');
    const acked = { ...open, status: 'acknowledged' } as AlertState;
    expect(applySignal(acked, signal('acknowledge'), 's', ref, 1).kind).toBe('none');
    const resolved = applySignal(acked, signal('resolve'), 's', ref, 1);
    expect(resolved.kind === 'update' && resolved.events[0]!.type).toBe('alert.resolved');
  });
});

describe('reading the tools', () => {
  it('maps the tools’ severity words onto PagerDuty’s four', () => {
    expect(
      ['critical', 'page', 'P1', 'high', 'warn', 'medium', 'none', undefined].map(mapSeverity),
    ).toEqual(['critical', 'critical', 'critical', 'error', 'warning', 'warning', 'info', 'info']);
  });

  it('PagerDuty: acknowledge needs a dedup key; a trigger without one gets one made', () => {
    expect(() =>
      readPagerDuty({ routing_key: 'k', event_action: 'acknowledge' }, () => 'x'),
    ).toThrow('Event object is invalid');
    const made = readPagerDuty(
      {
        routing_key: 'k',
        event_action: 'trigger',
        payload: { summary: 's', source: 'h', severity: 'info' },
      },
      () => 'made',
    );
    expect(made.dedupKey).toBe('made');
  });

  it('Alertmanager: a missing fingerprint is derived from the labels, the same for the same labels', () => {
    const hook = (labels: Record<string, string>) => ({
      version: '4',
      alerts: [{ status: 'firing', labels, startsAt: '0001-01-01T00:00:00Z' }],
    });
    const [a] = readAlertmanager(hook({ alertname: 'X', b: '1' }), 'alertmanager');
    const [b] = readAlertmanager(hook({ b: '1', alertname: 'X' }), 'alertmanager');
    expect(a!.dedupKey).toBe(b!.dedupKey);
    // Alertmanager's zero time means "not said": detected when it arrives.
    expect(a!.detectedAt).toBeNull();
  });
});
