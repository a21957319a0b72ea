// Posting the external final report on the status page (issue 14, item 6): it becomes the
// post-incident report of the public incident that speaks for the incident, through the page's
// own publish gate. One person alone publishes it when the policy allows, and the 72 h final
// report clock is met exactly once (by the publication; the final-report step recorded with it,
// or a second posting, meets nothing again); when the four-eyes rule asks for a second person a
// draft waits, nothing is public and the clock runs until the draft is approved; an exercise never
// reaches the page; a restricted incident's title, summary and internal notes appear on no public
// path. On SQLite and PostgreSQL, on an injected clock.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR } from '../../src/server/clock.ts';
import { listStreamEvents } from '../../src/server/db/event-store.ts';
import { createTokenFor } from '../helpers/auth.ts';
import { withShortPhases } from '../helpers/policies.ts';
import { EMERGENCY } from '../helpers/reproduce.ts';
import { succeeding, type DeadlineItem } from '../helpers/status.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
type Headers = Record<string, string>;
let admin: Headers;
let secondAdmin: Headers;
let lead: Headers;
let comms: Headers;
const call = succeeding(() => t);
const post = (key: string, headers: Headers) =>
  t.app.inject({
    method: 'POST',
    url: `/api/v1/incidents/${key}/final-reports/external/status-page`,
    headers,
  });

const PUBLIC_PATHS = [
  '/status',
  '/status/history.atom',
  '/status/history.rss',
  '/api/v2/summary.json',
  '/api/v2/incidents.json',
];

beforeAll(async () => {
  // Short phases; a P0 needs a second person to publish, a P1 does not.
  const policy = join(mkdtempSync(join(tmpdir(), 'stopline-policy-')), 'policy.yaml');
  const text = withShortPhases();
  expect(text.split('severities: []\n      impacts: []')).toHaveLength(2);
  writeFileSync(
    policy,
    text.replace('severities: []\n      impacts: []', 'severities: [P0]\n      impacts: []'),
  );
  t = await createTestApp({ env: { STOPLINE_POLICY: policy } });
  t.clock.set('2026-12-07T09:00:00Z');
  admin = (await createTokenFor(t, 'admin')).headers;
  secondAdmin = (await createTokenFor(t, 'admin')).headers;
  lead = (await createTokenFor(t, 'security_lead')).headers;
  comms = (await createTokenFor(t, 'comms')).headers;
});
afterAll(async () => t.close());

async function finalReportClock(key: string): Promise<DeadlineItem | undefined> {
  const { items } = (await call('GET', `/api/v1/incidents/${key}/deadlines`, admin)) as {
    items: DeadlineItem[];
  };
  return items.find((d) => d.kind === 'final_report');
}

async function finalReportMet(incidentId: string) {
  return (await listStreamEvents(t.container.db, incidentId, { afterSeq: 0 })).filter(
    (e) => e.type === 'incident.deadline_met' && e.data['kind'] === 'final_report',
  );
}

/** The public incident's own page on the status page. */
async function ownPage(publicIncidentId: string): Promise<string> {
  const page = await t.app.inject({ method: 'GET', url: `/status/incidents/${publicIncidentId}` });
  expect(page.statusCode).toBe(200);
  return page.body;
}

async function publicText(publicIncidentId: string): Promise<string> {
  const pages = await Promise.all(
    [...PUBLIC_PATHS, `/status/incidents/${publicIncidentId}`].map((url) =>
      t.app.inject({ method: 'GET', url }),
    ),
  );
  for (const page of pages) expect(page.statusCode).toBe(200);
  return pages.map((p) => p.body).join('\n');
}

/** A critical incident spoken for by a public incident, resolved on both: the 72 h clock runs. */
async function resolvedAndSpokenFor(
  fields: { title: string; severity: string; summary?: string; restricted?: boolean },
  internalNote?: string,
) {
  const incident = await call('POST', '/api/v1/incidents', admin, {
    ...fields,
    severityOverride: EMERGENCY,
  });
  const key = incident.key as string;
  if (internalNote) {
    await call('POST', `/api/v1/incidents/${key}/notes`, admin, {
      text: internalNote,
      visibility: 'internal',
    });
  }
  // Through drafts, so the P0 passes the four-eyes rule too (two admins: both may see it).
  const opened = await call('POST', '/api/v1/status/drafts', admin, {
    name: 'Sign-in failing',
    impact: 'major',
    body: 'Some customers cannot sign in.',
    internalIncident: key,
  });
  const publicIncident = (
    await call('POST', `/api/v1/status/drafts/${opened.id}/approve`, secondAdmin)
  ).incident;
  t.clock.advance(2 * HOUR);
  await call('POST', `/api/v1/incidents/${key}/phase`, admin, { phase: 'recovery' });
  const resolved = await call('POST', '/api/v1/status/drafts', admin, {
    publicIncidentId: publicIncident.id,
    status: 'resolved',
    body: 'Sign-in works again.',
  });
  await call('POST', `/api/v1/status/drafts/${resolved.id}/approve`, secondAdmin);
  expect(await finalReportClock(key)).toMatchObject({ status: 'pending', breached: false });
  t.clock.advance(20 * HOUR);
  return { incident, key, publicIncidentId: publicIncident.id as string };
}

describe('the external final report, posted on the status page', () => {
  it('published alone: on the public page, the 72 h clock met exactly once, nothing restricted shown', async () => {
    const { incident, key, publicIncidentId } = await resolvedAndSpokenFor(
      {
        title: 'Payroll export taken by an insider RESTRICTED-TITLE-4Z',
        summary: 'RESTRICTED-SUMMARY-4Z',
        severity: 'P1',
        restricted: true,
      },
      'RESTRICTED-NOTE-4Z the insider is Bob',
    );
    const res = await post(key, admin);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      incidentKey: key,
      publicIncidentId,
      published: true,
      draftId: null,
      finalReportStepRecorded: true,
    });

    // Met by the publication, once; the step recorded with it meets nothing again.
    expect(await finalReportClock(key)).toMatchObject({
      status: 'met',
      metBy: 'status.update_published',
      breached: false,
    });
    expect(await finalReportMet(incident.id)).toHaveLength(1);
    const detail = await call('GET', `/api/v1/incidents/${key}`, admin);
    expect(detail.incident.milestones).toContain('final_report_step_recorded');

    // On every public path, as the post-incident report, without the restricted words.
    const shown = await publicText(publicIncidentId);
    expect(await ownPage(publicIncidentId)).toContain('Measured durations');
    // Nor the restricted incident's key: the public never learns which internal incident it is.
    expect(shown).not.toContain(key);
    for (const secret of ['RESTRICTED-TITLE-4Z', 'RESTRICTED-SUMMARY-4Z', 'RESTRICTED-NOTE-4Z']) {
      expect(shown).not.toContain(secret);
    }
    const api = await call('GET', `/api/v1/status/incidents/${publicIncidentId}`, admin);
    expect(api.updates.at(-1)).toMatchObject({ status: 'postmortem' });

    // Posting again, or publishing the report again, meets nothing a second time.
    const again = await post(key, admin);
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json().finalReportStepRecorded).toBe(false);
    const publish = await t.app.inject({
      method: 'POST',
      url: `/api/v1/incidents/${key}/final-reports/external/publish`,
      headers: admin,
    });
    expect(publish.statusCode).toBe(422);
    expect(await finalReportMet(incident.id)).toHaveLength(1);
  });

  it('four eyes: a draft waits, nothing public and the clock runs, until a second person approves', async () => {
    const { incident, key, publicIncidentId } = await resolvedAndSpokenFor({
      title: 'Database failover lost writes',
      severity: 'P0',
    });
    // The security lead may approve the report, not publish on the status page.
    const byLead = await post(key, lead);
    expect(byLead.statusCode).toBe(403);
    expect(byLead.json().permission).toBe('status.publish');

    const res = await post(key, admin);
    expect(res.statusCode, res.body).toBe(202);
    const { draftId } = res.json();
    expect(res.json()).toMatchObject({
      publicIncidentId,
      published: false,
      finalReportStepRecorded: false,
    });
    expect(draftId).toEqual(expect.any(String));
    expect(await ownPage(publicIncidentId)).not.toContain('Measured durations');
    expect(await finalReportClock(key)).toMatchObject({ status: 'pending' });

    // The writer may not approve it; comms may, and that publishes it and meets the clock.
    const own = await t.app.inject({
      method: 'POST',
      url: `/api/v1/status/drafts/${draftId}/approve`,
      headers: admin,
    });
    expect(own.statusCode).toBeGreaterThanOrEqual(400);
    t.clock.advance(HOUR);
    await call('POST', `/api/v1/status/drafts/${draftId}/approve`, comms);
    expect(await ownPage(publicIncidentId)).toContain('Measured durations');
    expect(await publicText(publicIncidentId)).not.toContain(key);
    expect(await finalReportClock(key)).toMatchObject({
      status: 'met',
      metBy: 'status.update_published',
      breached: false,
    });
    expect(await finalReportMet(incident.id)).toHaveLength(1);
    // Approving it records the final-report step, as publishing does, without meeting the clock
    // a second time.
    const detail = await call('GET', `/api/v1/incidents/${key}`, admin);
    expect(detail.incident.milestones).toContain('final_report_step_recorded');
    const step = detail.steps.find(
      (s: { milestone: string }) => s.milestone === 'final_report_step_recorded',
    );
    expect(step.note).toMatch(
      /^External final report approved on the status page \(SHA-256 [0-9a-f]{64}\)$/,
    );
    expect(await finalReportMet(incident.id)).toHaveLength(1);
  });

  it('never for an exercise, and not without a public incident speaking for the incident', async () => {
    const before = await call('GET', '/api/v2/incidents.json', {});
    const exercise = await call('POST', '/api/v1/incidents', admin, {
      title: 'EXERCISE-TITLE-8P',
      severity: 'P1',
      severityOverride: EMERGENCY,
      exercise: { kind: 'tabletop', scenario: 'Ransomware on the build farm' },
    });
    const refused = await post(exercise.key, admin);
    expect(refused.statusCode).toBe(422);
    expect(refused.json().errors).toEqual([{ field: 'statusPage', message: 'is an exercise' }]);

    const unlinked = await call('POST', '/api/v1/incidents', admin, { title: 'Quiet one' });
    const none = await post(unlinked.key, admin);
    expect(none.statusCode).toBe(422);
    expect(none.json().errors[0]).toMatchObject({ field: 'statusPage' });

    const after = await call('GET', '/api/v2/incidents.json', {});
    expect(after).toEqual(before);
    const shown = (await Promise.all(PUBLIC_PATHS.map((url) => t.app.inject({ url }))))
      .map((p) => p.body)
      .join('\n');
    expect(shown).not.toContain('EXERCISE-TITLE-8P');
    expect(shown).not.toContain(exercise.key);
  });
});
