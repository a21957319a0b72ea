// The staff side and the reporter's privacy: verification before sharing results, access-code
// rotation, two reporters who never see each other or internal notes, secrets kept out of logs
// and URLs, audited contact reads, and the triage queue (sign-in limits: portal-sign-in-limits).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MINUTE } from '../src/server/clock.ts';
import { loginAs } from './helpers/auth.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';
import { formEncoded, formFields, multipart, readReceipt, signIn } from './helpers/reports.ts';

let t: TestApp;
const codesSeen: string[] = [];
const locations: string[] = [];

beforeAll(async () => {
  t = await createTestApp({ env: { STOPLINE_INTAKE_RATE_LIMIT: '10000' } });
});
afterAll(async () => {
  await t.close();
});

async function report(fields: Record<string, string> = {}) {
  const res = await t.app.inject({
    method: 'POST',
    url: '/report',
    ...multipart(formFields(fields)),
  });
  const receipt = readReceipt(res);
  codesSeen.push(receipt.accessCode);
  return receipt;
}

async function staffCall(
  headers: Record<string, string>,
  method: 'GET' | 'POST' | 'PATCH',
  url: string,
  payload?: object,
) {
  const res = await t.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
  if (res.headers.location) locations.push(String(res.headers.location));
  return res;
}

describe('identity verification before sharing results (policy step 6)', () => {
  it('an assessment to an unverified reporter is refused; after verification it goes through', async () => {
    const { key, accessCode } = await report();
    const lead = await loginAs(t, 'security_lead');
    const refused = await staffCall(lead.headers, 'POST', `/api/v1/reports/${key}/messages`, {
      kind: 'to_reporter',
      messageType: 'assessment',
      body: 'We rate this critical.',
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({ type: 'https://stopline.dev/problems/rule-refused' });
    expect(refused.json().detail).toMatch(/identity has not been verified/);
    const technical = await staffCall(lead.headers, 'POST', `/api/v1/reports/${key}/messages`, {
      kind: 'to_reporter',
      messageType: 'technical_details',
      body: 'The root cause is in the template engine.',
    });
    expect(technical.statusCode).toBe(422);

    const reporter = await signIn(t.app, key, accessCode);
    expect(await reporter.page()).toMatch(/Identity:\s+not yet verified/);
    expect(await reporter.page()).not.toContain('We rate this critical.');

    const verified = await staffCall(
      lead.headers,
      'POST',
      `/api/v1/reports/${key}/identity-verifications`,
      {
        method: 'call_back_public_number',
        note: 'Called the number on their university staff page',
      },
    );
    expect(verified.statusCode, verified.body).toBe(201);
    expect(verified.json()).toMatchObject({
      method: 'call_back_public_number',
      verifiedBy: lead.userId,
    });

    const sent = await staffCall(lead.headers, 'POST', `/api/v1/reports/${key}/messages`, {
      kind: 'to_reporter',
      messageType: 'assessment',
      body: 'We rate this critical.',
    });
    expect(sent.statusCode, sent.body).toBe(201);
    const page = await reporter.page();
    expect(page).toContain('We rate this critical.');
    expect(page).toMatch(/Identity:\s+verified/);
    expect(page).not.toContain('university staff page');
  });

  it('a new access code is issued only after verification, shown once, and ends the old one', async () => {
    const { key, accessCode } = await report();
    const lead = await loginAs(t, 'security_lead');
    const early = await staffCall(lead.headers, 'POST', `/api/v1/reports/${key}/access-code`);
    expect(early.statusCode).toBe(422);
    const oldSession = await signIn(t.app, key, accessCode);
    await staffCall(lead.headers, 'POST', `/api/v1/reports/${key}/identity-verifications`, {
      method: 'verified_signed_email',
    });
    const rotated = await staffCall(lead.headers, 'POST', `/api/v1/reports/${key}/access-code`);
    expect(rotated.statusCode).toBe(201);
    const fresh = rotated.json().accessCode as string;
    codesSeen.push(fresh);
    expect(fresh).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(fresh).not.toBe(accessCode);

    const stale = await t.app.inject({
      method: 'GET',
      url: '/portal',
      headers: { cookie: oldSession.cookie },
    });
    expect(stale.body).toContain('<h1>Follow your report</h1>');
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/portal/sign-in',
      ...formEncoded({ key, accessCode }),
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.body).not.toContain(accessCode);
    const page = await (await signIn(t.app, key, fresh)).page();
    expect(page).toContain('Access code changed');
  });
});

describe('the conversation in the staff API', () => {
  it("gives a message to the reporter rendered as the reporter reads it (Markdown, raw HTML off, links made safe); notes and the reporter's words stay text", async () => {
    const sent = await report({ summary: 'Markdown check', description: '**not rendered**' });
    const staff = await loginAs(t, 'admin');
    const hostile =
      '**Fixed** in `v2.1`: <script>alert(1)</script> [details](javascript:alert(1)) ' +
      '[advisory](https://example.org/a)';
    const posted = await staffCall(staff.headers, 'POST', `/api/v1/reports/${sent.key}/messages`, {
      kind: 'to_reporter',
      body: hostile,
    });
    expect(posted.statusCode, posted.body).toBe(201);
    await staffCall(staff.headers, 'POST', `/api/v1/reports/${sent.key}/messages`, {
      kind: 'internal_note',
      body: '**note**',
    });
    const listed = await staffCall(staff.headers, 'GET', `/api/v1/reports/${sent.key}/messages`);
    const messages = listed.json().messages as {
      kind: string;
      body: string;
      html: string | null;
    }[];
    const toReporter = messages.find((m) => m.kind === 'to_reporter')!;
    expect(toReporter.body).toBe(hostile);
    expect(toReporter.html).toBe(posted.json().html);
    expect(toReporter.html).toContain('<strong>Fixed</strong>');
    expect(toReporter.html).toContain('<code>v2.1</code>');
    expect(toReporter.html).toContain('href="https://example.org/a"');
    // The javascript: link stays text, never a link; the script tag is text.
    expect(toReporter.html).not.toMatch(/<script|href="javascript:/i);
    expect(toReporter.html).toContain('&lt;script&gt;');
    for (const m of messages.filter((x) => x.kind !== 'to_reporter')) expect(m.html).toBeNull();
  });
});

describe('the portal shows a reporter only their own report, never internal notes', () => {
  it('two reporters, internal notes and messages: each sees only what is theirs', async () => {
    const alice = await report({ summary: 'Alice finding', description: 'alice-only detail' });
    const bob = await report({ summary: 'Bob finding', description: 'bob-only detail' });
    const staff = await loginAs(t, 'admin');
    await staffCall(staff.headers, 'POST', `/api/v1/reports/${alice.key}/messages`, {
      kind: 'internal_note',
      body: 'INTERNAL: alice may be a competitor',
    });
    await staffCall(staff.headers, 'POST', `/api/v1/reports/${alice.key}/messages`, {
      kind: 'to_reporter',
      body: 'Hello Alice',
    });
    await staffCall(staff.headers, 'POST', `/api/v1/reports/${bob.key}/messages`, {
      kind: 'to_reporter',
      body: 'Hello Bob',
    });
    await staffCall(staff.headers, 'POST', `/api/v1/reports/${bob.key}/messages`, {
      kind: 'internal_note',
      body: 'INTERNAL: bob note',
    });
    await staffCall(staff.headers, 'POST', `/api/v1/reports/${bob.key}/close`, {
      resolution: 'duplicate',
      duplicateOf: alice.key,
      reason: 'Someone reported this a day earlier.',
    });
    const incident = await staffCall(staff.headers, 'POST', '/api/v1/incidents', {
      title: 'Alice finding',
    });
    const incidentKey = incident.json().key as string;
    const linked = await staffCall(
      staff.headers,
      'POST',
      `/api/v1/reports/${alice.key}/incident-link`,
      { incidentId: incidentKey },
    );
    expect(linked.statusCode, linked.body).toBe(204);

    const alicePage = await (await signIn(t.app, alice.key, alice.accessCode)).page();
    const bobPage = await (await signIn(t.app, bob.key, bob.accessCode)).page();
    expect(alicePage).toContain('Hello Alice');
    expect(alicePage).toContain('Status: Being investigated');
    expect(bobPage).toContain('Hello Bob');
    expect(bobPage).toContain('Closed: reported before');
    expect(bobPage).toContain('Someone reported this a day earlier.');
    for (const page of [alicePage, bobPage]) expect(page).not.toContain('INTERNAL');
    expect(alicePage).not.toMatch(/Bob|bob-only/);
    expect(bobPage).not.toMatch(/Alice|alice-only/);
    expect(bobPage).not.toContain(alice.key);
    expect(alicePage).not.toContain(incidentKey);

    // Alice's session cannot reach Bob's report by any parameter: the portal has none.
    const aliceVisit = await signIn(t.app, alice.key, alice.accessCode);
    const probe = await t.app.inject({
      method: 'GET',
      url: `/portal?key=${bob.key}`,
      headers: { cookie: aliceVisit.cookie },
    });
    expect(probe.body).not.toContain('Hello Bob');
  });

  it('a reply without the CSRF token or from another origin is refused', async () => {
    const { key, accessCode } = await report();
    const visit = await signIn(t.app, key, accessCode);
    const noToken = await t.app.inject({
      method: 'POST',
      url: '/portal/reply',
      headers: { cookie: visit.cookie, ...formEncoded({ body: 'x' }).headers },
      payload: formEncoded({ body: 'x' }).payload,
    });
    expect(noToken.statusCode).toBe(403);
    const form = formEncoded({ body: 'x', csrf: await visit.csrf() });
    const crossSite = await t.app.inject({
      method: 'POST',
      url: '/portal/reply',
      headers: { ...form.headers, cookie: visit.cookie, origin: 'https://evil.example' },
      payload: form.payload,
    });
    expect(crossSite.statusCode).toBe(403);
    expect(crossSite.headers['content-type']).toMatch(/^text\/html/);
  });
});

describe('staff triage', () => {
  it('contact details need their own permission, and every read is logged', async () => {
    const { key } = await report({ contactName: 'Ada Reporter', contactPhone: '+49 30 1234' });
    const viewer = await loginAs(t, 'viewer');
    const lead = await loginAs(t, 'security_lead');
    const detail = await staffCall(viewer.headers, 'GET', `/api/v1/reports/${key}`);
    expect(detail.statusCode).toBe(200);
    expect(detail.body).not.toContain('Ada Reporter');
    expect(detail.body).not.toContain('researcher@example.org');
    expect(detail.body).not.toMatch(/access_?code/i);
    expect(
      (await staffCall(viewer.headers, 'GET', `/api/v1/reports/${key}/contact`)).statusCode,
    ).toBe(403);
    const contact = await staffCall(lead.headers, 'GET', `/api/v1/reports/${key}/contact`);
    expect(contact.json()).toEqual({
      name: 'Ada Reporter',
      email: 'researcher@example.org',
      phone: '+49 30 1234',
      pgpKey: null,
    });
    await staffCall(lead.headers, 'GET', `/api/v1/reports/${key}/contact`);
    const log = await staffCall(lead.headers, 'GET', `/api/v1/reports/${key}/access-log`);
    const reads = log.json().entries.filter((e: { action: string }) => e.action === 'contact_read');
    expect(reads).toHaveLength(2);
    expect(reads[0]).toMatchObject({ actorId: lead.userId });
  });

  it('acknowledging records who and when against the policy deadline; a second time is refused', async () => {
    const { key } = await report();
    t.clock.advance(25 * 60 * MINUTE);
    // Signed in after the day has passed (a session would not survive 25 idle hours).
    const responder = await loginAs(t, 'responder');
    const ack = await staffCall(responder.headers, 'POST', `/api/v1/reports/${key}/acknowledge`);
    expect(ack.json()).toMatchObject({ onTime: false });
    const detail = (await staffCall(responder.headers, 'GET', `/api/v1/reports/${key}`)).json();
    expect(detail).toMatchObject({
      status: 'acknowledged',
      acknowledgedBy: responder.userId,
      acknowledgedAt: ack.json().acknowledgedAt,
    });
    expect(Date.parse(detail.acknowledgeDueAt) - Date.parse(detail.receivedAt)).toBe(
      24 * 60 * MINUTE,
    );
    expect(
      (await staffCall(responder.headers, 'POST', `/api/v1/reports/${key}/acknowledge`)).statusCode,
    ).toBe(422);
  });

  it('closing as not a vulnerability or spam tells the reporter in plain words', async () => {
    const staff = await loginAs(t, 'responder');
    for (const resolution of ['not_vulnerability', 'spam'] as const) {
      const { key, accessCode } = await report();
      const res = await staffCall(staff.headers, 'POST', `/api/v1/reports/${key}/close`, {
        resolution,
        reason: `Reason for ${resolution}`,
      });
      expect(res.statusCode, res.body).toBe(204);
      const page = await (await signIn(t.app, key, accessCode)).page();
      expect(page).toContain(`Reason for ${resolution}`);
      expect(page).toContain(
        resolution === 'spam' ? 'not treated as a security report' : 'not a security vulnerability',
      );
    }
  });

  it('a public URL opens a "remove from public view" task first, updated with evidence', async () => {
    const { key } = await report({ publicUrl: 'https://forum.example/thread/1' });
    const staff = await loginAs(t, 'responder');
    let detail = (await staffCall(staff.headers, 'GET', `/api/v1/reports/${key}`)).json();
    expect(detail.removalTasks).toEqual([
      expect.objectContaining({
        url: 'https://forum.example/thread/1',
        status: 'requested',
        recordedBy: 'reporter',
      }),
    ]);
    const second = await staffCall(staff.headers, 'POST', `/api/v1/reports/${key}/public-url`, {
      url: 'https://paste.example/abc',
    });
    expect(second.statusCode).toBe(201);
    const done = await staffCall(
      staff.headers,
      'PATCH',
      `/api/v1/reports/${key}/removal-tasks/${detail.removalTasks[0].id}`,
      {
        status: 'removed',
        evidence: 'Forum moderator confirmed deletion',
      },
    );
    expect(done.statusCode).toBe(204);
    detail = (await staffCall(staff.headers, 'GET', `/api/v1/reports/${key}`)).json();
    expect(detail.removalTasks.map((r: { status: string }) => r.status)).toEqual([
      'removed',
      'requested',
    ]);
    expect(detail.removalTasks[0].evidence).toBe('Forum moderator confirmed deletion');
  });

  it('a reporter can tell us from the portal where it was posted publicly, and a task opens', async () => {
    const { key, accessCode } = await report();
    const visit = await signIn(t.app, key, accessCode);
    const tellUs = async (publicUrl: string) => {
      const form = formEncoded({ csrf: await visit.csrf(), publicUrl });
      return t.app.inject({
        method: 'POST',
        url: '/portal/public-url',
        headers: { ...form.headers, cookie: visit.cookie },
        payload: form.payload,
      });
    };
    const refused = await tellUs('javascript:alert(1)');
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toMatch(/id="f-publicUrl"[^>]*aria-invalid="true"/);
    const sent = await tellUs('https://social.example/@x/1');
    expect(sent.statusCode).toBe(303);
    expect(await visit.page()).toContain('https://social.example/@x/1');
    const staff = await loginAs(t, 'viewer');
    const detail = (await staffCall(staff.headers, 'GET', `/api/v1/reports/${key}`)).json();
    expect(detail.publicUrl).toBe('https://social.example/@x/1');
    expect(detail.removalTasks).toEqual([
      expect.objectContaining({ status: 'requested', recordedBy: 'reporter' }),
    ]);
  });

  it('the triage queue filters by status, text and received time', async () => {
    const staff = await loginAs(t, 'viewer');
    const marker = `needle_${Date.now()}%`;
    const { key } = await report({ summary: `Queue ${marker}` });
    const byText = (
      await staffCall(
        staff.headers,
        'GET',
        `/api/v1/reports?q=${encodeURIComponent(marker.toUpperCase())}`,
      )
    ).json();
    expect(byText.reports.map((r: { key: string }) => r.key)).toEqual([key]);
    const received = (
      await staffCall(staff.headers, 'GET', '/api/v1/reports?status=received&limit=200')
    ).json();
    expect(received.reports.every((r: { status: string }) => r.status === 'received')).toBe(true);
    expect(received.reports.map((r: { key: string }) => r.key)).toContain(key);
    const future = new Date(t.clock.now() + MINUTE).toISOString();
    const none = (
      await staffCall(staff.headers, 'GET', `/api/v1/reports?receivedFrom=${future}`)
    ).json();
    expect(none.reports).toEqual([]);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/reports' })).statusCode).toBe(401);
  });
});

describe('secrets', () => {
  it('no access code ever appears in a log line, a redirect or a link', async () => {
    const { key, accessCode } = await report();
    const visit = await signIn(t.app, key, accessCode);
    const page = await visit.page();
    const urls = [...page.matchAll(/(?:href|action|src)="([^"]*)"/g)].map((m) => m[1]!);
    expect(codesSeen.length).toBeGreaterThan(5);
    for (const code of codesSeen) {
      for (const line of t.logs) expect(line).not.toContain(code);
      for (const url of [...urls, ...locations]) expect(url).not.toContain(code);
    }
    expect(t.logs.length).toBeGreaterThan(10);
  });
});

describe('the record', () => {
  it('every report change above is in a hash chain that verifies', async () => {
    const { verifyEventLog } = await import('../src/server/db/verify-chain.ts');
    const result = await verifyEventLog(t.container.db);
    expect(result.breaks).toEqual([]);
    expect(result.events).toBeGreaterThan(40);
    const streams = await t.container.db
      .selectFrom('streams')
      .select('type')
      .where('type', '=', 'report')
      .execute();
    expect(streams.length).toBeGreaterThan(10);
  });
});
