// A tuning proposal counts every alert of its detection rule marked as noise, however many, and a
// rule marked long ago is still proposed (and answered) after many newer marks of another rule: a
// security lead decides to tune a rule on these counts. Over a thousand alerts, sent in one
// Alertmanager payload and marked a hundred at a time; injected clock, both databases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertmanagerAlert, alertmanagerHook, newSource, sendAlert } from '../helpers/alerts.ts';
import { createTokenFor, loginAs } from '../helpers/auth.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
type Headers = Record<string, string>;
let lead: Headers;
let responder: Headers;
let sourceId: string;
let sourceKey: string;

/** More than the thousand marks the proposals were once read from. */
const FLAPPING = 1003;

interface Proposal {
  proposalId: string;
  similarKey: string;
  alertCount: number;
  lastMarkedAt: string;
  reasons: { alertId: string; reason: string; at: string }[];
  status: string;
}

/** Fires `count` alerts of the rule (one per instance); answers their ids. */
async function fire(alertname: string, count: number): Promise<string[]> {
  const alerts = Array.from({ length: count }, (_, i) =>
    alertmanagerAlert({ alertname, instance: `host-${i}` }, `fp-${alertname}-${i}`, t.clock.now()),
  );
  const res = await sendAlert(t, '/api/v1/alert-intake/alertmanager', alertmanagerHook(alerts), {
    authorization: `Bearer ${sourceKey}`,
  });
  expect(res.statusCode, res.body).toBe(202);
  return (res.json().results as { alertId: string }[]).map((r) => r.alertId);
}

/** Marks them as noise a hundred at a time (the most one request takes), a minute apart. */
async function markNoise(ids: string[], reason: (batch: number) => string) {
  for (let at = 0; at < ids.length; at += 100) {
    t.clock.advance(60_000);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/alerts/noise',
      headers: responder,
      payload: { alertIds: ids.slice(at, at + 100), reason: reason(at / 100 + 1) },
    });
    expect(res.statusCode, res.body).toBe(200);
  }
}

async function proposals(): Promise<Proposal[]> {
  const res = await t.app.inject({
    method: 'GET',
    url: '/api/v1/alerts/tuning-proposals',
    headers: lead,
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().items;
}

beforeAll(async () => {
  t = await createTestApp();
  const admin = (await loginAs(t, 'admin')).headers;
  lead = (await createTokenFor(t, 'security_lead')).headers;
  responder = (await createTokenFor(t, 'responder')).headers;
  const made = await newSource(t, admin, { name: 'prod-am', kind: 'alertmanager' });
  sourceId = made.source.id;
  sourceKey = made.key;
  // Long ago: three alerts of one rule marked as noise; a day later, many of another.
  await markNoise(await fire('BackupSlow', 3), () => 'The backup window is known');
  t.clock.advance(24 * 60 * 60_000);
  await markNoise(await fire('Flapping', FLAPPING), (batch) => `Flaps (${batch})`);
}, 60_000);
afterAll(async () => t.close());

describe('tuning proposals after many alerts marked as noise', () => {
  it('count every alert of the rule, with its 5 latest reasons; the rule marked last first', async () => {
    const [flapping, backup, ...others] = await proposals();
    expect(others).toEqual([]);
    expect(flapping).toMatchObject({
      proposalId: `tune:${sourceId}:alertname=Flapping`,
      alertCount: FLAPPING,
      status: 'proposed',
    });
    // The last request marked 3, the one before it 100: newest first.
    expect(flapping!.reasons.map((r) => r.reason)).toEqual([
      'Flaps (11)',
      'Flaps (11)',
      'Flaps (11)',
      'Flaps (10)',
      'Flaps (10)',
    ]);
    expect(flapping!.reasons[0]!.at).toBe(flapping!.lastMarkedAt);
    expect(backup).toMatchObject({
      proposalId: `tune:${sourceId}:alertname=BackupSlow`,
      alertCount: 3,
      status: 'proposed',
      reasons: Array.from({ length: 3 }, () =>
        expect.objectContaining({ reason: 'The backup window is known' }),
      ),
    });
    expect(Date.parse(backup!.lastMarkedAt)).toBeLessThan(Date.parse(flapping!.lastMarkedAt));
  });

  it('take the rule marked long ago, and record the exact count of the other when taken', async () => {
    const take = (proposalId: string) =>
      t.app.inject({
        method: 'POST',
        url: `/api/v1/alerts/tuning-proposals/${encodeURIComponent(proposalId)}/take`,
        headers: lead,
        payload: { dueAt: new Date(t.clock.now() + 14 * 24 * 60 * 60_000).toISOString() },
      });
    const backup = await take(`tune:${sourceId}:alertname=BackupSlow`);
    expect(backup.statusCode, backup.body).toBe(201);
    expect(backup.json()).toMatchObject({ alertCount: 3, status: 'taken' });
    const flapping = await take(`tune:${sourceId}:alertname=Flapping`);
    expect(flapping.statusCode, flapping.body).toBe(201);
    expect(flapping.json()).toMatchObject({ alertCount: FLAPPING, status: 'taken' });

    const res = await t.app.inject({ method: 'GET', url: '/api/v1/follow-ups', headers: lead });
    const counts = (res.json().items as { source: { similarKey: string; alertCount: number } }[])
      .map((f) => [f.source.similarKey, f.source.alertCount])
      .sort();
    expect(counts).toEqual([
      ['alertname=BackupSlow', 3],
      ['alertname=Flapping', FLAPPING],
    ]);
    expect((await proposals()).map((p) => p.status)).toEqual(['taken', 'taken']);
  });
});
