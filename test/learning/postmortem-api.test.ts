// Post-mortems over HTTP, per role: those who handled an incident start its post-mortem from the
// policy's template (Kundo step 8's questions in the default), write it in Markdown that is
// rendered safely, send it to review once every required section is answered, and a security
// lead other than the author approves it. Restricted incidents keep their post-mortems to
// themselves; every change is an event on the tamper-evident record.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyEventLog } from '../../src/server/db/verify-chain.ts';
import { loginAs } from '../helpers/auth.ts';
import { DEFAULT_POLICY_TEXT, KUNDO_POSTMORTEM_QUESTIONS } from '../helpers/policies.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
type Headers = Record<string, string>;
let admin: Headers;
let lead: Headers;
let leadId: string;
let responder: Headers;
let responderId: string;
let viewer: Headers;
let comms: Headers;

beforeAll(async () => {
  t = await createTestApp();
  admin = (await loginAs(t, 'admin')).headers;
  const l = await loginAs(t, 'security_lead');
  lead = l.headers;
  leadId = l.userId;
  const r = await loginAs(t, 'responder');
  responder = r.headers;
  responderId = r.userId;
  viewer = (await loginAs(t, 'viewer')).headers;
  comms = (await loginAs(t, 'comms')).headers;
});
afterAll(async () => t.close());

type Method = 'GET' | 'POST' | 'PUT';
const call = (
  app: TestApp,
  method: Method,
  url: string,
  headers: Headers,
  payload?: object,
  extra: Headers = {},
) =>
  app.app.inject({
    method,
    url,
    headers: { ...headers, ...extra },
    ...(payload ? { payload } : {}),
  });

async function openIncident(headers: Headers, restricted = false, app = t): Promise<string> {
  const res = await call(app, 'POST', '/api/v1/incidents', headers, {
    title: `Invoices leak ${Math.random()}`,
    restricted,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().key as string;
}

function policyFile(text: string): string {
  if (text === DEFAULT_POLICY_TEXT) throw new Error('the edit did not apply');
  const path = join(mkdtempSync(join(tmpdir(), 'stopline-policy-')), 'policy.yaml');
  writeFileSync(path, text);
  return path;
}

const pm = (key: string) => `/api/v1/incidents/${key}/postmortem`;

interface Section {
  id: string;
  title: string;
  required: boolean;
  body: string;
  html: string;
}

async function answerRequired(key: string, headers: Headers) {
  const current = await call(t, 'GET', pm(key), headers);
  for (const s of current.json().sections as Section[]) {
    if (!s.required) continue;
    const res = await call(t, 'PUT', `${pm(key)}/sections/${s.id}`, headers, {
      body: `Answer to ${s.id}.`,
    });
    expect(res.statusCode, res.body).toBe(200);
  }
}

describe('the post-mortem of an incident', () => {
  it('a responder starts it from the default template: Kundo step 8 word for word, then impact, timeline, root cause, contributing factors', async () => {
    const key = await openIncident(responder);
    const res = await call(t, 'POST', pm(key), responder);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.headers.location).toBe(pm(key));
    const body = res.json();
    expect(body).toMatchObject({ status: 'draft', ownerId: responderId, version: 1 });
    expect(res.headers.etag).toBe('"1"');
    expect((body.sections as Section[]).map((s) => s.title)).toEqual([
      ...KUNDO_POSTMORTEM_QUESTIONS,
      'Impact',
      'Timeline',
      'Root cause',
      'Contributing factors',
    ]);
    expect(body.unansweredSections).toHaveLength(10);
    expect(body.policyHash).toBe(t.container.policy.hash);

    const twice = await call(t, 'POST', pm(key), admin);
    expect(twice.statusCode).toBe(409);
    expect(twice.headers['content-type']).toContain('application/problem+json');
    expect(twice.json().detail).toBe(`${key} already has a post-mortem`);
  });

  it('per role: everyone reads it; the communications lead and viewers may not write; only a security lead or admin approves', async () => {
    const key = await openIncident(responder);
    expect((await call(t, 'POST', pm(key), viewer)).json().permission).toBe('learning.write');
    expect((await call(t, 'POST', pm(key), lead)).statusCode).toBe(201);
    for (const reader of [viewer, comms, responder, admin]) {
      expect((await call(t, 'GET', pm(key), reader)).statusCode).toBe(200);
    }
    for (const outsider of [viewer, comms]) {
      const res = await call(t, 'PUT', `${pm(key)}/sections/impact`, outsider, { body: 'x' });
      expect(res.statusCode).toBe(403);
      expect(res.json().permission).toBe('learning.write');
    }
    await answerRequired(key, responder);
    expect((await call(t, 'POST', `${pm(key)}/submit`, responder)).statusCode).toBe(200);
    const byResponder = await call(t, 'POST', `${pm(key)}/approve`, responder);
    expect(byResponder.statusCode).toBe(403);
    expect(byResponder.json().permission).toBe('learning.approve');
    const approved = await call(t, 'POST', `${pm(key)}/approve`, lead);
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({ status: 'approved', approvedBy: leadId });
    expect(approved.json().approvedAt).toBe(new Date(t.clock.now()).toISOString());
  });

  it('renders each section safely: raw HTML and javascript: links never become markup', async () => {
    const key = await openIncident(responder);
    await call(t, 'POST', pm(key), responder);
    const text =
      '## Root cause\n\n<script>alert(1)</script><img src=x onerror=alert(2)>\n\n' +
      '[click](javascript:alert(3)) and **the fix** in [PR](https://example.org/pr/1)';
    const res = await call(t, 'PUT', `${pm(key)}/sections/root_cause`, responder, { body: text });
    expect(res.statusCode, res.body).toBe(200);
    const section = (res.json().sections as Section[]).find((s) => s.id === 'root_cause')!;
    expect(section.body).toBe(text);
    expect(section.html).toContain('<strong>the fix</strong>');
    expect(section.html).toContain('&lt;script&gt;');
    expect(section.html).not.toMatch(/<script|<img|href="javascript/i);
    expect(section.html).toContain(
      '<a href="https://example.org/pr/1" rel="noopener noreferrer nofollow">PR</a>',
    );
  });

  it('refuses bad input field by field, an unknown section, a stale version, and review before every required section is answered', async () => {
    const key = await openIncident(responder);
    await call(t, 'POST', pm(key), responder);
    const notText = await call(t, 'PUT', `${pm(key)}/sections/impact`, responder, { body: 42 });
    expect(notText.statusCode).toBe(400);
    expect(notText.headers['content-type']).toContain('application/problem+json');
    expect(notText.json().errors[0].field).toBe('body');
    const huge = await call(t, 'PUT', `${pm(key)}/sections/impact`, responder, {
      body: 'x'.repeat(50_001),
    });
    expect(huge.statusCode).toBe(400);
    expect(huge.json().errors[0].field).toBe('body');
    const unknown = await call(t, 'PUT', `${pm(key)}/sections/nope`, responder, { body: 'x' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().detail).toBe('This post-mortem has no section "nope"');

    const written = await call(t, 'PUT', `${pm(key)}/sections/impact`, responder, {
      body: 'Two customers.',
    });
    expect(written.json().version).toBe(2);
    const stale = await call(
      t,
      'PUT',
      `${pm(key)}/sections/impact`,
      responder,
      { body: 'Three customers.' },
      { 'if-match': '"1"' },
    );
    expect(stale.statusCode).toBe(409);

    const early = await call(t, 'POST', `${pm(key)}/submit`, responder);
    expect(early.statusCode).toBe(422);
    expect(early.json().detail).toContain('"Root cause"');
    expect(early.json().missingSections).not.toContain('impact');
    expect(early.json().missingSections).toContain('root_cause');
    expect(early.json().errors).toContainEqual({
      field: 'sections.root_cause',
      message: 'must be answered before the post-mortem goes to review',
    });

    const emptyReason = await call(t, 'POST', `${pm(key)}/request-changes`, lead, { reason: ' ' });
    expect(emptyReason.statusCode).toBe(400);
    expect(emptyReason.json().errors[0].field).toBe('reason');
    const notInReview = await call(t, 'POST', `${pm(key)}/request-changes`, lead, {
      reason: 'More detail',
    });
    expect(notInReview.statusCode).toBe(422);
    const missing = await call(t, 'GET', pm(await openIncident(responder)), responder);
    expect(missing.statusCode).toBe(404);
    expect(missing.json().detail).toContain('has no post-mortem yet');
  });

  it('is frozen in review, sent back with a reason, and not approved by whoever sent it to review', async () => {
    const key = await openIncident(lead);
    await call(t, 'POST', pm(key), lead);
    await answerRequired(key, lead);
    const submitted = await call(t, 'POST', `${pm(key)}/submit`, lead);
    expect(submitted.json()).toMatchObject({
      status: 'in_review',
      submittedBy: leadId,
      changesRequested: null,
    });
    const edit = await call(t, 'PUT', `${pm(key)}/sections/impact`, responder, { body: 'x' });
    expect(edit.statusCode).toBe(422);
    expect(edit.json().detail).toContain('in review');

    const own = await call(t, 'POST', `${pm(key)}/approve`, lead);
    expect(own.statusCode).toBe(403);
    expect(own.json().detail).toBe(
      'The policy asks someone other than whoever sent the post-mortem to review to approve it',
    );
    const back = await call(t, 'POST', `${pm(key)}/request-changes`, admin, {
      reason: 'Say which check failed.',
    });
    expect(back.json().status).toBe('draft');
    // The authors read what to change, who asked and when.
    const asked = { reason: 'Say which check failed.', by: back.json().changesRequested?.by };
    expect(back.json().changesRequested).toEqual({ ...asked, at: expect.any(String) });
    expect(asked.by).toEqual(expect.any(String));
    expect(asked.by).not.toBe(leadId);
    expect(
      (await call(t, 'PUT', `${pm(key)}/sections/what_went_wrong`, responder, { body: 'Authz.' }))
        .statusCode,
    ).toBe(200);
    const again = await call(t, 'POST', `${pm(key)}/submit`, responder);
    expect(again.statusCode).toBe(200);
    // Kept once it is in review again: the reviewer sees what was asked.
    expect(again.json().changesRequested).toMatchObject(asked);
    expect((await call(t, 'POST', `${pm(key)}/approve`, lead)).json().status).toBe('approved');
  });

  it("a restricted incident's post-mortem is not there for those who may not see the incident", async () => {
    const key = await openIncident(admin, true);
    for (const method of ['GET', 'POST'] as const) {
      const res = await call(t, method, pm(key), responder);
      expect(res.statusCode).toBe(404);
      expect(res.json().detail).toBe('Incident was not found');
    }
    expect((await call(t, 'POST', pm(key), admin)).statusCode).toBe(201);
    const hidden = await call(t, 'PUT', `${pm(key)}/sections/impact`, lead, { body: 'x' });
    expect(hidden.statusCode).toBe(404);
    expect(hidden.json().detail).toBe('Incident was not found');
  });

  it('every change is an event on the tamper-evident record: the exact text, who and when', async () => {
    const key = await openIncident(responder);
    const started = await call(t, 'POST', pm(key), responder);
    const id = started.json().id as string;
    const text = 'Line one\r\n  <b>kept as written</b> \u00e9  ';
    t.clock.advance(60_000);
    await call(t, 'PUT', `${pm(key)}/sections/circumstances`, responder, { body: text });
    const events = await t.container.db
      .selectFrom('events')
      .select(['type', 'actor_id', 'at', 'visibility', 'data_json'])
      .where('stream_id', '=', id)
      .orderBy('seq')
      .execute();
    expect(events.map((e) => e.type)).toEqual(['postmortem.started', 'postmortem.section_written']);
    expect(JSON.parse(events[1]!.data_json)).toEqual({ sectionId: 'circumstances', body: text });
    expect(events[1]).toMatchObject({ actor_id: responderId, visibility: 'internal' });
    expect(Number(events[1]!.at)).toBe(t.clock.now());
    expect(JSON.parse(events[0]!.data_json).sections[0]).toEqual({
      sectionId: 'circumstances',
      title: 'Under which circumstances did the incident occur?',
      prompt: null,
      required: true,
    });
    expect((await verifyEventLog(t.container.db)).breaks).toEqual([]);
  });

  it('is listed in the OpenAPI description with its permissions', async () => {
    const doc = (await call(t, 'GET', '/api/v1/openapi.json', admin)).json();
    const paths = doc.paths as Record<string, Record<string, unknown>>;
    expect(Object.keys(paths['/api/v1/incidents/{ref}/postmortem']!)).toEqual(['get', 'post']);
    for (const step of ['submit', 'approve', 'request-changes']) {
      expect(paths[`/api/v1/incidents/{ref}/postmortem/${step}`]).toHaveProperty('post');
    }
    expect(paths['/api/v1/incidents/{ref}/postmortem/sections/{sectionId}']).toHaveProperty('put');
  });
});

describe('follow-ups', () => {
  it('are added with an owner, due date, priority, type and tracker issue; bad ones are refused field by field', async () => {
    const key = await openIncident(responder);
    await call(t, 'POST', pm(key), responder);
    const due = new Date(t.clock.now() + 7 * 86_400_000).toISOString();
    const added = await call(t, 'POST', `${pm(key)}/follow-ups`, responder, {
      title: 'Add an authorisation test for invoices',
      ownerId: responderId,
      dueAt: due,
      priority: 'high',
      type: 'prevent',
      trackerUrl: 'https://tracker.example.org/SEC-12',
    });
    expect(added.statusCode, added.body).toBe(201);
    expect(added.json().followUps).toEqual([
      expect.objectContaining({
        title: 'Add an authorisation test for invoices',
        ownerId: responderId,
        dueAt: due,
        priority: 'high',
        type: 'prevent',
        status: 'open',
        overdue: false,
        trackerUrl: 'https://tracker.example.org/SEC-12',
        policySection: null,
      }),
    ]);

    const base = { title: 'x', ownerId: responderId, dueAt: due, type: 'prevent' };
    const cases: [object, string][] = [
      [{ ...base, ownerId: 'nobody' }, 'ownerId'],
      [{ ...base, dueAt: new Date(t.clock.now() - 1000).toISOString() }, 'dueAt'],
      [{ ...base, dueAt: 'next week' }, 'dueAt'],
      [{ ...base, type: 'hope' }, 'type'],
      [{ ...base, trackerUrl: 'javascript:alert(1)' }, 'trackerUrl'],
      [{ ...base, policySection: 'clocks' }, 'policySection'],
    ];
    for (const [payload, field] of cases) {
      const res = await call(t, 'POST', `${pm(key)}/follow-ups`, responder, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().errors[0].field).toBe(field);
    }
    const byViewer = await call(t, 'POST', `${pm(key)}/follow-ups`, viewer, base);
    expect(byViewer.json().permission).toBe('learning.write');
  });

  it('are done or not done with a reason; the cross-incident view shows what is open and overdue, and hides restricted incidents', async () => {
    const key = await openIncident(responder);
    await call(t, 'POST', pm(key), responder);
    const soon = new Date(t.clock.now() + 300_000).toISOString();
    const later = new Date(t.clock.now() + 30 * 86_400_000).toISOString();
    await call(t, 'POST', `${pm(key)}/follow-ups`, responder, {
      title: 'Alert on invoice reads across customers',
      ownerId: responderId,
      dueAt: soon,
      type: 'detect',
    });
    const process = await call(t, 'POST', `${pm(key)}/follow-ups`, lead, {
      title: 'Authorisation checks are a containment exit check',
      ownerId: leadId,
      dueAt: later,
      type: 'process',
      policySection: 'phases',
    });
    const [detect, change] = process.json().followUps as { id: string }[];
    const hiddenKey = await openIncident(admin, true);
    await call(t, 'POST', pm(hiddenKey), admin);
    await call(t, 'POST', `${pm(hiddenKey)}/follow-ups`, admin, {
      title: 'Secret follow-up',
      ownerId: leadId,
      dueAt: soon,
      type: 'process',
      policySection: 'roles',
    });

    t.clock.advance(600_000);
    const open = await call(t, 'GET', '/api/v1/follow-ups?status=open', viewer);
    expect(open.statusCode).toBe(200);
    const mine = (
      open.json().items as { title: string; overdue: boolean; incident: { key: string } }[]
    ).filter((f) => f.incident.key === key);
    expect(mine.map((f) => [f.title, f.overdue])).toEqual([
      ['Alert on invoice reads across customers', true],
      ['Authorisation checks are a containment exit check', false],
    ]);
    expect(open.body).not.toContain('Secret follow-up');
    const proposals = await call(t, 'GET', '/api/v1/follow-ups?type=process', admin);
    expect(proposals.json().items.map((f: { policySection: string }) => f.policySection)).toEqual(
      expect.arrayContaining(['phases', 'roles']),
    );

    const url = (id: string) => `${pm(key)}/follow-ups/${id}/status`;
    const noReason = await call(t, 'PUT', url(change!.id), lead, { status: 'not_doing' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().errors).toEqual([
      { field: 'reason', message: 'say why it will not be done' },
    ]);
    const declined = await call(t, 'PUT', url(change!.id), lead, {
      status: 'not_doing',
      reason: 'The policy already asks for it in eradication.',
    });
    expect(declined.statusCode, declined.body).toBe(200);
    const done = await call(t, 'PUT', url(detect!.id), responder, { status: 'done' });
    expect(done.json().followUps[0]).toMatchObject({ status: 'done', overdue: false });
    expect(done.json().followUps[0].closedAt).toBe(new Date(t.clock.now()).toISOString());
    const after = await call(t, 'GET', `/api/v1/follow-ups?status=open&owner=me`, responder);
    expect(
      after.json().items.filter((f: { incident: { key: string } }) => f.incident.key === key),
    ).toEqual([]);
    const unknown = await call(t, 'PUT', url('nope'), lead, { status: 'done' });
    expect(unknown.statusCode).toBe(404);

    const events = await t.container.db
      .selectFrom('events')
      .select('type')
      .where('stream_id', '=', done.json().id)
      .orderBy('seq')
      .execute();
    expect(events.map((e) => e.type)).toEqual([
      'postmortem.started',
      'postmortem.follow_up_added',
      'postmortem.follow_up_added',
      'postmortem.follow_up_status_set',
      'postmortem.follow_up_status_set',
    ]);
  });
});

describe('a custom policy', () => {
  it('defines its own post-mortem sections, and may let the author approve', async () => {
    const policy = policyFile(
      DEFAULT_POLICY_TEXT.replace(
        /\n {4}authorMayApprove: false\n {4}sections:\n[\s\S]*?\n\n/,
        [
          '',
          '    authorMayApprove: true',
          '    sections:',
          '      - id: summary',
          '        title: What happened, in two sentences',
          '        prompt: For the whole company.',
          '      - id: follow_up',
          '        title: Anything else',
          '        required: false',
          '',
          '',
        ].join('\n'),
      ),
    );
    const own = await createTestApp({ env: { STOPLINE_POLICY: policy } });
    try {
      const a = await loginAs(own, 'security_lead');
      const key = await openIncident(a.headers, false, own);
      const started = await call(own, 'POST', pm(key), a.headers);
      expect(started.statusCode, started.body).toBe(201);
      expect(started.json().sections).toMatchObject([
        {
          id: 'summary',
          title: 'What happened, in two sentences',
          prompt: 'For the whole company.',
          required: true,
        },
        { id: 'follow_up', title: 'Anything else', required: false },
      ]);
      await call(own, 'PUT', `${pm(key)}/sections/summary`, a.headers, { body: 'A leak. Fixed.' });
      expect((await call(own, 'POST', `${pm(key)}/submit`, a.headers)).statusCode).toBe(200);
      const approved = await call(own, 'POST', `${pm(key)}/approve`, a.headers);
      expect(approved.json()).toMatchObject({ status: 'approved', approvedBy: a.userId });
    } finally {
      await own.close();
    }
  });
});
