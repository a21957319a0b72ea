// Four-eyes publishing (policy communications.publishing.fourEyes): a text for a public incident
// that speaks for a P1 incident, or has a critical impact, is drafted by one member of staff and
// approved by another before customers see it. Until then nothing of it is on the page, in the
// feeds or in the public JSON, and the customer clocks wait for the approval.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listStreamEvents } from '../../src/server/db/event-store.ts';
import { loginAs } from '../helpers/auth.ts';
import { writeEditedPolicy } from '../helpers/policies.ts';
import { EMERGENCY } from '../helpers/reproduce.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
type Headers = Record<string, string>;
let admin: Headers;
let writer: { userId: string; headers: Headers };
let second: { userId: string; headers: Headers };

beforeAll(async () => {
  const policy = writeEditedPolicy(
    '      severities: []\n      impacts: []',
    '      severities: [P1]\n      impacts: [critical]',
  );
  t = await createTestApp({ env: { STOPLINE_POLICY: policy } });
  t.clock.set('2026-12-01T10:00:00Z');
  admin = (await loginAs(t, 'admin')).headers;
  writer = await loginAs(t, 'comms');
  second = await loginAs(t, 'comms');
});
afterAll(async () => t.close());

type Method = 'GET' | 'POST' | 'PATCH';
const call = (method: Method, url: string, headers: Headers, payload?: object) =>
  t.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });

/** Everything the public can read: the page, an incident's page, the feeds and the JSON. */
async function publicText(incidentId?: string): Promise<string> {
  const urls = [
    '/status',
    '/status/history.atom',
    '/status/history.rss',
    '/api/v2/summary.json',
    '/api/v2/incidents.json',
    '/api/v2/incidents/unresolved.json',
    ...(incidentId ? [`/status/incidents/${incidentId}`] : []),
  ];
  const bodies = await Promise.all(urls.map((url) => t.app.inject({ url })));
  return bodies.map((r) => r.body).join('\n');
}

async function customerClocks(key: string) {
  const res = await call('GET', `/api/v1/incidents/${key}/deadlines`, admin);
  return (res.json().items as { kind: string; status: string; metBy: string | null }[]).filter(
    (d) => d.kind.startsWith('customer_'),
  );
}

async function p1Incident(restricted = false) {
  const res = await call('POST', '/api/v1/incidents', admin, {
    title: 'Customer files reachable without sign-in',
    severity: 'P1',
    severityOverride: EMERGENCY,
    restricted,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; key: string };
}

describe('four-eyes publishing', () => {
  it('the policy tells writers what needs a second person, and its plain-language reminders', async () => {
    const res = await call('GET', '/api/v1/policy', writer.headers);
    expect(res.json().communications.publishing).toEqual({
      fourEyes: { severities: ['P1'], impacts: ['critical'] },
      reminders: [
        'Report the status in a way that is as free of technical jargon as possible.',
        'Be transparent about the status and the progress towards solving it.',
        'Say what customers see and what they should do, not how the system works inside.',
      ],
    });
  });

  it('a notice for a P1 incident is public only after a second person approves it, and then meets the 4 h clock', async () => {
    const incident = await p1Incident();
    const text = 'Some stored files could be opened without signing in <script>alert(1)</script>';

    const alone = await call('POST', '/api/v1/status/incidents', writer.headers, {
      name: 'Stored files exposed',
      impact: 'major',
      body: text,
      internalIncident: incident.key,
    });
    expect(alone.statusCode).toBe(422);
    expect(alone.json().rule).toBe('communications.publishing.fourEyes');
    expect(alone.headers['content-type']).toContain('application/problem+json');

    const drafted = await call('POST', '/api/v1/status/drafts', writer.headers, {
      name: 'Stored files exposed',
      impact: 'major',
      body: text,
      internalIncident: incident.key,
    });
    expect(drafted.statusCode, drafted.body).toBe(201);
    const draft = drafted.json();
    expect(draft).toMatchObject({
      stage: 'pending',
      publicIncidentId: null,
      opens: { name: 'Stored files exposed', internalIncident: { key: incident.key } },
      update: { status: 'investigating', body: text },
      draftedBy: writer.userId,
    });
    expect(draft.contentHash).toMatch(/^[0-9a-f]{64}$/);

    // Drafted is not published: no customer sees it, and the clock still runs.
    const before = await publicText();
    expect(before).not.toContain('Stored files exposed');
    expect(before).not.toContain('without signing in');
    expect(await customerClocks(incident.key)).toMatchObject([
      { kind: 'customer_first_notice', status: 'pending' },
    ]);
    const pending = await call('GET', '/api/v1/status/drafts?stage=pending', second.headers);
    expect(pending.json().items.map((d: { id: string }) => d.id)).toContain(draft.id);

    const own = await call('POST', `/api/v1/status/drafts/${draft.id}/approve`, writer.headers);
    expect(own.statusCode).toBe(422);
    expect(own.json().detail).toContain('another member of staff');

    t.clock.advance(20 * 60_000);
    const approved = await call(
      'POST',
      `/api/v1/status/drafts/${draft.id}/approve`,
      second.headers,
    );
    expect(approved.statusCode, approved.body).toBe(200);
    const { incident: published } = approved.json();
    expect(approved.json().draft).toMatchObject({
      stage: 'published',
      decidedBy: second.userId,
      publishedIncidentId: published.id,
      publishedUpdateId: published.updates[0].id,
    });
    expect(published).toMatchObject({
      name: 'Stored files exposed',
      internalIncident: { key: incident.key },
      updates: [{ body: text, createdBy: second.userId }],
    });

    const after = await publicText(published.id);
    expect(after).toContain('Stored files exposed');
    // The JSON carries the text as written; the page and the feeds show it inert.
    for (const url of ['/status', `/status/incidents/${published.id}`, '/status/history.atom']) {
      const page = (await t.app.inject({ url })).body;
      expect(page, url).toContain('without signing in');
      expect(page, url).not.toContain('<script>alert(1)</script>');
    }
    expect(after).not.toContain(incident.key);
    expect(await customerClocks(incident.key)).toMatchObject([
      { kind: 'customer_first_notice', status: 'met', metBy: 'status.update_published' },
      { kind: 'customer_update', status: 'pending' },
    ]);

    // On the record: the draft's stream is internal and holds the exact text and its hash; the
    // published update is public, by the approver, and names the text the writer drafted.
    const draftEvents = await listStreamEvents(t.container.db, draft.id, { afterSeq: 0 });
    expect(draftEvents.map((e) => [e.type, e.visibility, e.actorId])).toEqual([
      ['status.draft_written', 'internal', writer.userId],
      ['status.draft_approved', 'internal', second.userId],
    ]);
    expect(draftEvents[0]!.data).toMatchObject({ contentHash: draft.contentHash });
    const publicEvents = await listStreamEvents(t.container.db, published.id, { afterSeq: 0 });
    const update = publicEvents.find((e) => e.type === 'status.update_published')!;
    expect(update).toMatchObject({ visibility: 'public', actorId: second.userId });
    expect(update.data).toMatchObject({ body: text });

    // Approved once: a second approval, or a rejection, is refused.
    const again = await call('POST', `/api/v1/status/drafts/${draft.id}/approve`, admin);
    expect(again.statusCode).toBe(422);
    const late = await call('POST', `/api/v1/status/drafts/${draft.id}/reject`, admin, {
      reason: 'too late',
    });
    expect(late.statusCode).toBe(422);
  });

  it('updates, renames and lowering the impact of a four-eyes incident all wait for a second person', async () => {
    const opened = await call('POST', '/api/v1/status/drafts', writer.headers, {
      name: 'Sign-in unavailable',
      impact: 'critical',
      body: 'Nobody can sign in.',
    });
    const created = await call(
      'POST',
      `/api/v1/status/drafts/${opened.json().id}/approve`,
      second.headers,
    );
    const id = created.json().incident.id as string;
    const version = created.json().incident.version as number;

    const update = await call('POST', `/api/v1/status/incidents/${id}/updates`, writer.headers, {
      status: 'identified',
      body: 'We found the cause.',
    });
    expect(update.statusCode).toBe(422);
    const lower = await call('PATCH', `/api/v1/status/incidents/${id}`, second.headers, {
      impact: 'minor',
    });
    expect(lower.statusCode).toBe(422);
    expect(lower.json().rule).toBe('communications.publishing.fourEyes');

    // Two drafts against the same version: the first approved, the second is stale.
    const a = await call('POST', '/api/v1/status/drafts', writer.headers, {
      publicIncidentId: id,
      status: 'identified',
      body: 'We found the cause: a certificate expired.',
      impact: 'major',
    });
    const b = await call('POST', '/api/v1/status/drafts', writer.headers, {
      publicIncidentId: id,
      status: 'monitoring',
      body: 'A fix is rolling out.',
    });
    expect([a.json().incidentVersion, b.json().incidentVersion]).toEqual([version, version]);
    expect(a.json().changes).toEqual({ impact: 'major' });
    const first = await call('POST', `/api/v1/status/drafts/${a.json().id}/approve`, admin);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().incident).toMatchObject({ status: 'identified', impact: 'major' });
    const stale = await call('POST', `/api/v1/status/drafts/${b.json().id}/approve`, admin);
    expect(stale.statusCode).toBe(409);
    expect((await publicText(id)).includes('A fix is rolling out.')).toBe(false);

    // Sent back with a reason: it stays off the page for good.
    const rejected = await call('POST', `/api/v1/status/drafts/${b.json().id}/reject`, admin, {
      reason: 'Written before the certificate was found; say what customers should do.',
    });
    expect(rejected.statusCode).toBe(200);
    expect(rejected.json()).toMatchObject({ stage: 'rejected', decidedBy: expect.any(String) });
    const refused = await call(
      'POST',
      `/api/v1/status/drafts/${b.json().id}/approve`,
      second.headers,
    );
    expect(refused.statusCode).toBe(422);
    expect(refused.json().detail).toBe('This draft was already rejected');
  });

  it('an incident the rule does not cover is still published by one person', async () => {
    const res = await call('POST', '/api/v1/status/incidents', writer.headers, {
      name: 'Slow dashboards',
      impact: 'minor',
      body: 'Dashboards load slowly.',
    });
    expect(res.statusCode).toBe(201);
  });
});

describe('drafts: who, and bad input', () => {
  it('only those who may publish write, read and decide drafts', async () => {
    const drafted = await call('POST', '/api/v1/status/drafts', writer.headers, {
      name: 'Email delays',
      body: 'Emails are delayed.',
    });
    const id = drafted.json().id as string;
    for (const role of ['responder', 'legal', 'security_lead']) {
      const { headers } = await loginAs(t, role);
      const answers = await Promise.all([
        call('GET', '/api/v1/status/drafts', headers),
        call('GET', `/api/v1/status/drafts/${id}`, headers),
        call('POST', '/api/v1/status/drafts', headers, { name: 'x', body: 'y' }),
        call('POST', `/api/v1/status/drafts/${id}/approve`, headers),
        call('POST', `/api/v1/status/drafts/${id}/reject`, headers, { reason: 'no' }),
      ]);
      expect(
        answers.map((a) => a.statusCode),
        role,
      ).toEqual([403, 403, 403, 403, 403]);
    }
    const anonymous = await t.app.inject({ url: `/api/v1/status/drafts/${id}` });
    expect(anonymous.statusCode).toBe(401);
  });

  it('answers a problem naming each bad field, and 404 for an unknown draft or incident', async () => {
    const noName = await call('POST', '/api/v1/status/drafts', writer.headers, { body: 'x' });
    expect(noName.statusCode).toBe(400);
    expect(noName.json().errors).toEqual([
      { field: 'name', message: 'A new public incident needs a name' },
    ]);
    const wrongTypes = await call('POST', '/api/v1/status/drafts', writer.headers, {
      name: 42,
      body: 'x'.repeat(20_001),
      components: [{ componentId: 'nope', status: 'melted' }],
    });
    expect(wrongTypes.statusCode).toBe(400);
    expect(wrongTypes.headers['content-type']).toContain('application/problem+json');
    const fields = (wrongTypes.json().errors as { field: string }[]).map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['name', 'body', 'components.0.status']));
    const unknownComponent = await call('POST', '/api/v1/status/drafts', writer.headers, {
      name: 'x',
      body: 'y',
      components: [{ componentId: 'nope', status: 'major_outage' }],
    });
    expect(unknownComponent.statusCode).toBe(400);
    expect(unknownComponent.json().errors[0].field).toBe('components.0.componentId');
    const future = await call('POST', '/api/v1/status/drafts', writer.headers, {
      name: 'x',
      body: 'y',
      displayAt: '2030-01-01T00:00:00Z',
    });
    expect(future.json().errors[0].field).toBe('displayAt');
    const unknownIncident = await call('POST', '/api/v1/status/drafts', writer.headers, {
      publicIncidentId: 'no-such-incident',
      body: 'y',
    });
    expect(unknownIncident.statusCode).toBe(404);
    const unknownDraft = await call('POST', '/api/v1/status/drafts/nope/approve', second.headers);
    expect(unknownDraft.statusCode).toBe(404);
    const noReason = await call('POST', '/api/v1/status/drafts/nope/reject', second.headers, {});
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().errors[0].field).toBe('reason');
  });

  it('a draft for a restricted incident hides the link from staff who may not see it', async () => {
    const restricted = await p1Incident(true);
    const drafted = await call('POST', '/api/v1/status/drafts', admin, {
      name: 'Payroll exports paused',
      body: 'Payroll exports are paused while we check them.',
      internalIncident: restricted.key,
    });
    expect(drafted.statusCode).toBe(201);
    const seen = await call('GET', `/api/v1/status/drafts/${drafted.json().id}`, writer.headers);
    expect(seen.json().opens.internalIncident).toBeNull();
    expect(seen.body).not.toContain(restricted.key);
    expect(seen.body).not.toContain(restricted.id);
    const listed = await call('GET', '/api/v1/status/drafts', writer.headers);
    expect(listed.body).not.toContain(restricted.key);

    // The comms lead approves without seeing it; the published incident's link stays hidden too.
    const approved = await call(
      'POST',
      `/api/v1/status/drafts/${drafted.json().id}/approve`,
      writer.headers,
    );
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json().incident.internalIncident).toBeNull();
    expect(approved.body).not.toContain(restricted.key);
    expect(await publicText(approved.json().incident.id)).not.toContain(restricted.key);
    expect(await customerClocks(restricted.key)).toMatchObject([
      { kind: 'customer_first_notice', status: 'met' },
      { kind: 'customer_update', status: 'pending' },
    ]);
  });
});
