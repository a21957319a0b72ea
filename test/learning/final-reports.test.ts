// The final reports, written from the incident, its post-mortem and its record: the internal one
// for staff, the external one for customers and the public, each as Markdown and as PDF. The
// Markdown is parsed (with raw HTML allowed, as a careless renderer would) and the PDF's text
// extracted, and both checked: what each audience gets, that restricted and internal words stay
// out of the external one, that hostile Markdown never becomes markup. Publishing the external
// one meets the 72-hour final report clock. When personal data was breached, both hold what GDPR
// Art. 33(3) requires, drawn from the breach record. On SQLite and PostgreSQL.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import MarkdownIt from 'markdown-it';
import { PDFParse } from 'pdf-parse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/server/clock.ts';
import { createUser, signIn } from '../helpers/auth.ts';
import { incidentInput, responder } from '../helpers/incidents-context.ts';
import { DEFAULT_POLICY_TEXT } from '../helpers/policies.ts';
import { EMERGENCY } from '../helpers/reproduce.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const PHASES = `phases:
  - id: detection_analysis
    name: Detection & analysis
    description: Look.
  - id: containment
    name: Containment
    description: Contain.
  - id: eradication
    name: Eradication
    description: Fix.
  - id: recovery
    name: Recovery
    description: Restore.
  - id: lessons_learned
    name: Lessons learned
    description: Learn.
  - id: closed
    name: Closed
    description: Over.
    terminal: true

stopTheLine:`;

let t: TestApp;
type Person = { userId: string; email: string; password: string; headers: Record<string, string> };
let writer: Person;
let lead: Person;
let viewer: Person;
let legal: Person;
let key: string;
let breachKey: string;
let restrictedKey: string;

async function person(role: string, displayName: string): Promise<Person> {
  const user = await createUser(t, { roles: [role], displayName });
  const headers = await signIn(t, user.email, user.password);
  return { userId: user.id, email: user.email, password: user.password, headers };
}

const inject = (who: Person, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: who.headers, ...(payload ? { payload } : {}) });
const reports = (k: string) => `/api/v1/incidents/${k}/final-reports`;
const pm = (k: string) => `/api/v1/incidents/${k}/postmortem`;

/** Rendered as a renderer that lets raw HTML through would render it. */
const careless = new MarkdownIt({ html: true });

async function pdfText(body: Buffer): Promise<string> {
  const parser = new PDFParse({ data: body });
  try {
    // Lines wrap where the page ends: the words are compared, not the breaks.
    return (await parser.getText()).text.replace(/\s+/g, ' ');
  } finally {
    await parser.destroy();
  }
}

const HOSTILE =
  'The reset token went to analytics. <script>alert(1)</script> <img src=x onerror=alert(2)>';

beforeAll(async () => {
  const text = DEFAULT_POLICY_TEXT.replace(/\nphases:\n[\s\S]*?\nstopTheLine:/, `\n${PHASES}`);
  const policy = join(mkdtempSync(join(tmpdir(), 'stopline-policy-')), 'policy.yaml');
  writeFileSync(policy, text);
  t = await createTestApp({
    env: { STOPLINE_POLICY: policy },
    clock: new FakeClock('2026-03-02T09:00:00Z'),
  });
  writer = await person('responder', 'Wanda Writer');
  lead = await person('security_lead', 'Lars Lead');
  viewer = await person('viewer', 'Vic Viewer');
  legal = await person('legal', 'Lea Legal');

  const s = t.container.services.incidents;
  const owner = responder(writer.userId);
  const opened = await s.openIncident(
    owner,
    incidentInput({
      title: 'Reset tokens leak via Referer to Acme Analytics',
      summary: 'Internal: found by Bob in the proxy logs',
      detectedAt: Date.parse('2026-03-02T08:50:00Z'),
      severity: 'P1',
      severityRationale: 'account takeover',
      severityOverride: EMERGENCY,
    }),
  );
  key = opened.key;
  await s.assignOwner(owner, key, undefined, writer.userId);
  t.clock.set('2026-03-02T09:20:00Z');
  await s.addNote(owner, key, undefined, 'Rotated the db password of analytics-prod', 'internal');
  t.clock.set('2026-03-02T10:40:00Z');
  await s.movePhase(owner, key, undefined, 'containment');
  await s.addNote(
    owner,
    key,
    undefined,
    'Password reset is paused while we fix a problem',
    'public',
  );
  t.clock.set('2026-03-02T11:10:00Z');
  await s.movePhase(owner, key, undefined, 'eradication');
  t.clock.set('2026-03-02T12:00:00Z');
  await s.movePhase(owner, key, undefined, 'recovery');
  const restricted = await s.openIncident(
    owner,
    incidentInput({ title: 'Quiet', restricted: true }),
  );
  restrictedKey = restricted.key;

  breachKey = (await s.openIncident(owner, incidentInput({ title: 'Newsletter list exported' })))
    .key;

  for (const p of [writer, lead, viewer, legal]) p.headers = await signIn(t, p.email, p.password);
  expect((await inject(writer, 'POST', pm(key))).statusCode).toBe(201);
  const sections: Record<string, string> = {
    circumstances: 'During the **spring release**; Bob was on call.',
    impact: 'Reset links of 312 customers reached a third party.',
    root_cause: HOSTILE,
    planned_changes: '- Referrer-Policy on every page\n- A test for it',
  };
  for (const [id, body] of Object.entries(sections)) {
    const res = await inject(writer, 'PUT', `${pm(key)}/sections/${id}`, { body });
    expect(res.statusCode, res.body).toBe(200);
  }
  const followUp = await inject(writer, 'POST', `${pm(key)}/follow-ups`, {
    title: 'Add Referrer-Policy to the reset page',
    ownerId: writer.userId,
    dueAt: '2026-03-20T09:00:00Z',
    type: 'prevent',
  });
  expect(followUp.statusCode, followUp.body).toBe(201);

  const breach = await inject(legal, 'POST', `/api/v1/incidents/${breachKey}/breach`, {
    status: 'confirmed',
    occurredFrom: '2026-03-01T22:00:00Z',
    nature: ['confidentiality'],
    dataCategories: [
      { name: 'names and e-mail addresses', special: false },
      { name: 'health notes', special: true },
    ],
    people: { count: 1200, estimate: true },
    records: { count: 3400, estimate: false },
    peopleCategories: ['newsletter subscribers'],
    children: true,
    consequences: 'Targeted phishing e-mails <img src=x onerror=alert(3)>',
    measuresTaken: 'The contractor account was closed',
    measuresProposed: 'Be wary of e-mails asking for your password',
    contactPoint: 'Dana Protection, dpo@example.org',
  });
  expect(breach.statusCode, breach.body).toBe(201);
});
afterAll(async () => t.close());

describe('the final reports', () => {
  it('internal, as Markdown: the facts, durations, timeline, every section and the follow-ups, for staff', async () => {
    const res = await inject(viewer, 'GET', `${reports(key)}/internal.md`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('text/markdown; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="${key}-internal-report.md"`,
    );
    const tokens = careless.parse(res.body, {});
    const headings = tokens
      .filter((tk, i) => i > 0 && tokens[i - 1]!.type === 'heading_open')
      .map((tk) => tk.content);
    expect(headings).toEqual(
      expect.arrayContaining([
        `Final report: ${key} Reset tokens leak via Referer to Acme Analytics`,
        'The incident',
        'Measured durations',
        'Timeline',
        'Post-mortem (in draft)',
        'Under which circumstances did the incident occur?',
        'Root cause',
        'Follow-ups',
      ]),
    );
    const html = careless.render(res.body);
    expect(html).toContain('<strong>spring release</strong>');
    expect(html).toContain('Time to contain: 2 h 20 min');
    expect(html).toContain('Time to resolve: 3 h 10 min');
    expect(html).toContain('Internal update: Rotated the db password of analytics-prod');
    expect(html).toContain('<strong>Add Referrer-Policy to the reset page</strong>');
    expect(html).toContain('owner Wanda Writer');
    // The hostile text is shown as text, even by a renderer that allows raw HTML.
    expect(html).not.toMatch(/<script|<img/);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('external, as Markdown: only the dates, durations, public notices and the sections the policy lists', async () => {
    const res = await inject(writer, 'GET', `${reports(key)}/external.md`);
    expect(res.statusCode, res.body).toBe(200);
    const html = careless.render(res.body);
    expect(html).toContain('<h1>Incident report</h1>');
    // The incident's key is internal: the outside never learns it.
    expect(res.body).not.toContain(key);
    expect(html).toContain('Password reset is paused while we fix a problem');
    expect(html).toContain('Reset links of 312 customers reached a third party.');
    expect(html).toContain('<li>Referrer-Policy on every page</li>');
    expect(html).toContain('<h3>Root cause</h3>');
    for (const internal of [
      'Acme Analytics',
      'found by Bob',
      'db password',
      'spring release',
      'Wanda',
      'Add Referrer-Policy to the reset page',
    ]) {
      expect(res.body).not.toContain(internal);
    }
    expect(html).not.toMatch(/<script|<img/);
  });

  it('as PDF: the same words drawn as text, the hostile ones included, and the external one keeps internal words out', async () => {
    const internal = await inject(lead, 'GET', `${reports(key)}/internal.pdf`);
    expect(internal.statusCode).toBe(200);
    expect(internal.headers['content-type']).toBe('application/pdf');
    expect(internal.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const text = await pdfText(internal.rawPayload);
    expect(text).toContain(`Final report: ${key} Reset tokens leak via Referer to Acme Analytics`);
    expect(text).toContain('Under which circumstances did the incident occur?');
    expect(text).toContain('During the spring release; Bob was on call.');
    expect(text).toContain('<script>alert(1)</script>');
    expect(text).toContain('Add Referrer-Policy to the reset page');

    const external = await inject(lead, 'GET', `${reports(key)}/external.pdf`);
    const outside = await pdfText(external.rawPayload);
    expect(outside).toContain('Incident report');
    expect(outside).not.toContain(key);
    expect(outside).toContain('Password reset is paused while we fix a problem');
    expect(outside).not.toContain('Acme Analytics');
    expect(outside).not.toContain('db password');
  });

  it('restricted stays restricted: an outsider gets 404 for either report; an unknown file is a 400', async () => {
    expect((await inject(viewer, 'GET', `${reports(restrictedKey)}/internal.md`)).statusCode).toBe(
      404,
    );
    expect((await inject(lead, 'GET', `${reports(restrictedKey)}/external.pdf`)).statusCode).toBe(
      404,
    );
    expect((await inject(writer, 'GET', `${reports(restrictedKey)}/internal.md`)).statusCode).toBe(
      200,
    );
    const unknown = await inject(writer, 'GET', `${reports(key)}/internal.html`);
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errors[0].field).toContain('file');
  });

  it('publishing the external one (security lead) meets the final report clock; a second time is refused', async () => {
    const due = () =>
      t.container.db
        .selectFrom('deadlines')
        .select(['status', 'met_by'])
        .where('kind', '=', 'final_report')
        .executeTakeFirst();
    expect((await due())?.status).toBe('pending');
    const byWriter = await inject(writer, 'POST', `${reports(key)}/external/publish`);
    expect(byWriter.statusCode).toBe(403);
    expect(byWriter.json().permission).toBe('learning.approve');
    t.clock.set('2026-03-03T09:00:00Z');
    lead.headers = await signIn(t, lead.email, lead.password);
    const published = await inject(lead, 'POST', `${reports(key)}/external/publish`);
    expect(published.statusCode, published.body).toBe(200);
    expect(published.json().markdown).toMatch(/^# Incident report\n/);
    expect(published.json().markdown).not.toContain(key);
    expect(await due()).toMatchObject({ status: 'met' });
    const detail = await inject(lead, 'GET', `/api/v1/incidents/${key}`);
    expect(detail.json().incident.milestones).toContain('final_report_step_recorded');
    const again = await inject(lead, 'POST', `${reports(key)}/external/publish`);
    expect(again.statusCode).toBe(422);
  });
});

describe('when personal data was breached, the sections GDPR Art. 33(3) requires', () => {
  // The clock moved on above: sign in again.
  beforeAll(async () => {
    for (const p of [writer, legal, viewer]) p.headers = await signIn(t, p.email, p.password);
  });
  const ART_33_HEADINGS = [
    'Personal data breach (GDPR Art. 33(3))',
    'Nature of the breach',
    'People and personal data records concerned',
    'Data protection officer or other contact point',
    'Likely consequences',
    'Measures taken or proposed',
  ];
  const FACTS = [
    'Confidentiality: personal data was disclosed to, or reached by, people who should not have it',
    'When it occurred: 2026-03-01 22:00 UTC',
    'Categories of people: newsletter subscribers, children',
    'Approximate number of people: about 1,200',
    'Categories of personal data: names and e-mail addresses, health notes (a special category)',
    'Approximate number of records: 3,400',
    'Dana Protection, dpo@example.org',
    'Targeted phishing e-mails',
    'Taken: The contractor account was closed',
    'Proposed: Be wary of e-mails asking for your password',
  ];
  const headingsOf = (markdown: string) => {
    const tokens = careless.parse(markdown, {});
    return tokens
      .filter((tk, i) => i > 0 && tokens[i - 1]!.type === 'heading_open')
      .map((tk) => tk.content);
  };

  it('the external report, as Markdown, holds each from the breach record, hostile text inert', async () => {
    const res = await inject(writer, 'GET', `${reports(breachKey)}/external.md`);
    expect(res.statusCode, res.body).toBe(200);
    expect(headingsOf(res.body)).toEqual(expect.arrayContaining(ART_33_HEADINGS));
    const html = careless.render(res.body);
    const text = html.replace(/<[^>]+>/g, '').replace(/&amp;/g, '&');
    for (const fact of FACTS) expect(text).toContain(fact);
    expect(html).not.toMatch(/<img/);
    expect(html).toContain('&lt;img src=x onerror=alert(3)&gt;');
    expect(res.body).not.toContain('Newsletter list exported');
  });

  it('as PDF, the same words as text; the internal one too for whoever may read the breach record', async () => {
    for (const file of ['external.pdf', 'internal.pdf']) {
      const res = await inject(legal, 'GET', `${reports(breachKey)}/${file}`);
      expect(res.statusCode, res.body).toBe(200);
      const text = await pdfText(res.rawPayload);
      for (const heading of ART_33_HEADINGS) expect(text).toContain(heading);
      for (const fact of FACTS) expect(text).toContain(fact);
      expect(text).toContain('<img src=x onerror=alert(3)>');
    }
  });

  it('the internal report of one who may not read the breach record says only that there is one', async () => {
    const res = await inject(viewer, 'GET', `${reports(breachKey)}/internal.md`);
    expect(res.statusCode, res.body).toBe(200);
    expect(headingsOf(res.body)).toContain('Personal data breach (GDPR Art. 33(3))');
    expect(res.body).toContain('Personal data was breached: the breach record holds the facts.');
    expect(res.body).not.toContain('dpo@example');
    expect(res.body).not.toContain('1,200');
  });

  it('an incident without a personal-data breach has no such section', async () => {
    for (const file of ['external.md', 'internal.md']) {
      const res = await inject(legal, 'GET', `${reports(key)}/${file}`);
      expect(res.body).not.toContain('GDPR');
    }
  });
});
