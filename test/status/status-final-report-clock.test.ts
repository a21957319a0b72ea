// The policy's 72 h final-report clock (clocks.finalReportWithin; Kai 5.2: "a detailed
// post-incident report within 72 hours"), over HTTP: when a critical incident is resolved, the
// clock starts; the post-incident report published on the public incident that speaks for it
// (POST /api/v1/status/incidents/{id}/updates with status postmortem) meets it in time; when none
// is published, the scheduler breaches it at 72 h and escalates to the security leads, and a late
// report still meets it, marked breached. Time moves on an injected clock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HOUR, MINUTE } from '../../src/server/clock.ts';
import { listStreamEvents } from '../../src/server/db/event-store.ts';
import { createTokenFor } from '../helpers/auth.ts';
import { withShortPhases } from '../helpers/policies.ts';
import { EMERGENCY } from '../helpers/reproduce.ts';
import { succeeding, type DeadlineItem } from '../helpers/status.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
type Headers = Record<string, string>;
let lead: { userId: string; headers: Headers };
let comms: Headers;
const call = succeeding(() => t);
const iso = (ms: number) => new Date(ms).toISOString();

beforeAll(async () => {
  // The bundled policy (72 h final report), with phases that reach resolution in one step.
  const policy = join(mkdtempSync(join(tmpdir(), 'stopline-policy-')), 'policy.yaml');
  writeFileSync(policy, withShortPhases());
  t = await createTestApp({ env: { STOPLINE_POLICY: policy } });
  t.clock.set('2026-12-07T09:00:00Z');
  // Tokens, not sessions: the story runs for days of the injected clock.
  lead = await createTokenFor(t, 'security_lead');
  comms = (await createTokenFor(t, 'comms')).headers;
});
afterAll(async () => t.close());

async function finalReport(key: string): Promise<DeadlineItem | undefined> {
  const { items } = (await call('GET', `/api/v1/incidents/${key}/deadlines`, lead.headers)) as {
    items: DeadlineItem[];
  };
  return items.find((d) => d.kind === 'final_report');
}

/** A critical incident spoken for on the status page, then resolved: the 72 h clock runs. */
async function resolvedWithPublicIncident(title: string) {
  const incident = await call('POST', '/api/v1/incidents', lead.headers, {
    title,
    severity: 'P1',
    severityOverride: EMERGENCY,
  });
  const key = incident.key as string;
  const published = await call('POST', '/api/v1/status/incidents', comms, {
    name: 'Sign-in failing',
    impact: 'major',
    body: 'Some customers cannot sign in.',
    internalIncident: key,
  });
  expect(await finalReport(key)).toBeUndefined();
  t.clock.advance(2 * HOUR);
  await call('POST', `/api/v1/incidents/${key}/phase`, lead.headers, { phase: 'recovery' });
  const updates = `/api/v1/status/incidents/${published.id}/updates`;
  await call('POST', updates, comms, { status: 'resolved', body: 'Sign-in works again.' });
  const clock = await finalReport(key);
  expect(clock).toMatchObject({
    status: 'pending',
    dueAt: iso(t.clock.now() + 72 * HOUR),
    breached: false,
  });
  return { incident, key, updates };
}

const tick = () => t.container.workers.scheduler.tick(t.clock.now());

describe('the 72 h final-report clock, met by the post-incident report on the status page', () => {
  it('publishing the post-incident report within 72 h of resolution meets it, on the record', async () => {
    const { incident, key, updates } = await resolvedWithPublicIncident('Session store lost');
    t.clock.advance(71 * HOUR);
    await tick();
    expect(await finalReport(key)).toMatchObject({ status: 'pending', breached: false });
    await call('POST', updates, comms, {
      status: 'postmortem',
      body: '## What happened\n\nA failed disk took the session store down.',
    });
    expect(await finalReport(key)).toMatchObject({
      status: 'met',
      metBy: 'status.update_published',
      breached: false,
    });
    const record = await listStreamEvents(t.container.db, incident.id, { afterSeq: 0 });
    expect(
      record.filter((e) => e.type === 'incident.deadline_met').map((e) => e.data),
    ).toContainEqual(
      expect.objectContaining({ kind: 'final_report', metBy: 'status.update_published' }),
    );
    // Past the 72 h nothing breaches: it is met.
    t.clock.advance(2 * HOUR);
    await tick();
    expect(
      (await listStreamEvents(t.container.db, incident.id, { afterSeq: 0 })).filter(
        (e) => e.type === 'incident.deadline_breached' && e.data['kind'] === 'final_report',
      ),
    ).toEqual([]);
  });

  it('no report within 72 h: the clock breaches and escalates to the security lead; a late report meets it, breached', async () => {
    const { incident, key, updates } = await resolvedWithPublicIncident('Payments double-charged');
    const due = Date.parse((await finalReport(key))!.dueAt);
    t.clock.set(due + 10 * MINUTE);
    await tick();
    const late = await finalReport(key);
    expect(late).toMatchObject({ status: 'pending', breached: true });
    const breached = (await listStreamEvents(t.container.db, incident.id, { afterSeq: 0 })).filter(
      (e) => e.type === 'incident.deadline_breached' && e.data['kind'] === 'final_report',
    );
    expect(breached).toHaveLength(1);
    expect(breached[0]!.data['notified']).toEqual(expect.arrayContaining([lead.userId]));
    const notices = await t.container.db
      .selectFrom('outbox')
      .select(['recipient', 'subject'])
      .where('subject', 'like', `%${key}%`)
      .where('subject', 'like', '%final report%')
      .execute();
    expect(notices.length).toBeGreaterThan(0);
    // On the dashboard's list of deadlines, breached.
    const { items } = (await call('GET', '/api/v1/deadlines?state=breached', lead.headers)) as {
      items: { id: string }[];
    };
    expect(items.map((d) => d.id)).toContain(late!.id);

    t.clock.advance(HOUR);
    await call('POST', updates, comms, { status: 'postmortem', body: 'Our report, late.' });
    expect(await finalReport(key)).toMatchObject({
      id: late!.id,
      status: 'met',
      metBy: 'status.update_published',
      breached: true,
    });
  });
});
