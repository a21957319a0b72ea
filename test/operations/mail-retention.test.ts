// Retention of inbound e-mail (issue 19, item 5): a message as received (its raw bytes, with every
// body and attachment in them) and its sender's details are redacted the policy's mailDays after
// the close of the report it belongs to, not a millisecond before, and never while the report or
// the incident handling it is open. The message keeps its record (hash, size, verdicts) and a
// tombstone event `mail.redacted`; its raw download answers 404; `stopline verify` still passes.
// Files that came in an e-mail (a new report's or a reply's) are the report's attachments: they
// outlive mailDays and are redacted attachmentDays after close, each with a `report.redacted`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/server/clock.ts';
import { createTokenFor } from '../helpers/auth.ts';
import { buildMessage } from '../helpers/mail.ts';
import { expectVerifies, reportTombstones } from '../helpers/redactions.ts';
import { createTestApp, storedFile, type TestApp } from '../helpers/test-app.ts';

const SECURITY = 'security@stopline.test';
const clock = new FakeClock('2026-12-05T09:00:00Z');
const DAY = 24 * 60 * 60 * 1000;
let t: TestApp;
let lead: Record<string, string>;

beforeAll(async () => {
  t = await createTestApp({ clock, env: { STOPLINE_SECURITY_EMAIL: SECURITY } });
  lead = (await createTokenFor(t, 'security_lead')).headers;
});
afterAll(async () => t.close());

/** A report made of an e-mail (as the IMAP poller hands it over); answers its key and mail id. */
async function mailReport(from: string, subject: string, secret: string) {
  const { raw } = await buildMessage({
    from,
    to: SECURITY,
    subject,
    text: `Steps to reproduce, with my token ${secret}.`,
    attachments: [{ filename: 'trace.txt', content: `trace ${secret}\n` }],
  });
  const outcome = await t.container.services.mail.receiveMessage(raw, {
    via: 'imap',
    remoteAddress: null,
    helo: null,
    mailFrom: null,
    rcptTo: [SECURITY],
  });
  expect(outcome.status).toBe('report');
  return { key: outcome.reportKey!, id: outcome.id, raw };
}

async function row(id: string) {
  return t.container.db
    .selectFrom('inbound_mail')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
}

async function mailList(key: string) {
  const res = await t.app.inject({ url: `/api/v1/reports/${key}/mail`, headers: lead });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().messages as { id: string; redactedAt: string | null; rawUrl: string }[];
}

describe('retention of e-mail as received', () => {
  it('redacts the raw message mailDays after its report closed, keeps a tombstone, verify passes', async () => {
    expect(t.container.policy.policy.retention.mailDays).toBe(90);
    const closed = await mailReport('Mallory Mailer <mallory@finder.test>', 'XSS', 'Zq7secret');
    const handled = await mailReport('Olive Open <olive@finder.test>', 'SSRF', 'Kept9secret');
    const open = await t.app.inject({
      method: 'POST',
      url: `/api/v1/reports/${handled.key}/open-incident`,
      headers: lead,
    });
    expect(open.statusCode, open.body).toBe(201);

    // While the report is open, nothing goes, however long it waits.
    clock.advance(400 * DAY);
    expect(await t.container.services.mail.sweepMailRetention()).toEqual({
      messages: 0,
      files: 0,
    });
    const close = await t.app.inject({
      method: 'POST',
      url: `/api/v1/reports/${closed.key}/close`,
      headers: lead,
      payload: { resolution: 'not_vulnerability', reason: 'Works as designed' },
    });
    expect(close.statusCode, close.body).toBe(204);
    const closedAt = clock.now();
    const before = await row(closed.id);
    expect(await storedFile(t, before.raw_path)).toEqual(closed.raw);

    clock.set(closedAt + 90 * DAY - 1);
    expect(await t.container.services.mail.sweepMailRetention()).toEqual({
      messages: 0,
      files: 0,
    });
    expect((await row(closed.id)).from_address).toBe('mallory@finder.test');

    clock.set(closedAt + 90 * DAY);
    expect(await t.container.services.mail.sweepMailRetention()).toEqual({
      messages: 1,
      files: 1,
    });
    const after = await row(closed.id);
    expect(after).toMatchObject({
      from_address: null,
      subject: null,
      envelope_from: null,
      envelope_to: null,
      sha256: before.sha256,
      status: 'report',
    });
    expect(Number(after.redacted_at)).toBe(clock.now());
    await expect(storedFile(t, before.raw_path)).rejects.toThrow();
    expect(await t.container.services.mail.readRaw(closed.id)).toBeNull();
    const [listed] = await mailList(closed.key);
    expect(listed!.redactedAt).toBe(new Date(clock.now()).toISOString());
    const download = await t.app.inject({ url: listed!.rawUrl, headers: lead });
    expect(download.statusCode).toBe(404);
    expect(download.body).not.toContain('Zq7secret');

    const stones = await t.container.db
      .selectFrom('events')
      .select(['data_json', 'actor_id'])
      .where('stream_id', '=', closed.id)
      .where('type', '=', 'mail.redacted')
      .execute();
    expect(stones).toHaveLength(1);
    const stone = JSON.parse(stones[0]!.data_json) as Record<string, unknown>;
    expect(stone).toMatchObject({ rule: 'retention', reason: 'retention: 90 days after close' });
    expect(stone.removedHash).toMatch(/^[0-9a-f]{64}$/);
    expect(stones[0]!.data_json).not.toContain('mallory');
    const audit = await t.container.db
      .selectFrom('audit_log')
      .select(['target_id', 'detail_json'])
      .where('action', '=', 'mail.redacted')
      .execute();
    expect(audit.map((a) => a.target_id)).toEqual([closed.id]);

    // The message of the report an open incident handles is kept; a second round finds nothing.
    expect(await t.container.services.mail.sweepMailRetention()).toEqual({
      messages: 0,
      files: 0,
    });
    const kept = await row(handled.id);
    expect(kept.redacted_at).toBeNull();
    expect(await storedFile(t, kept.raw_path)).toEqual(handled.raw);

    await expectVerifies(t);
  });
});

describe('files that came by e-mail', () => {
  it('are the report’s attachments: kept past mailDays, redacted attachmentDays after close like the portal’s', async () => {
    const { mailDays, attachmentDays } = t.container.policy.policy.retention;
    expect([mailDays, attachmentDays]).toEqual([90, 180]);
    const first = await buildMessage({
      from: 'Fay Files <fay@finder.test>',
      to: SECURITY,
      subject: 'IDOR in the invoice API',
      messageId: '<first.fay@finder.test>',
      text: 'Any invoice id works; the trace is attached.',
      attachments: [{ filename: 'trace.txt', content: 'trace Fy1secret\n' }],
    });
    const envelope = {
      via: 'imap' as const,
      remoteAddress: null,
      helo: null,
      mailFrom: null,
      rcptTo: [SECURITY],
    };
    const made = await t.container.services.mail.receiveMessage(first.raw, envelope);
    expect(made.status).toBe('report');
    const key = made.reportKey!;
    // The reporter's reply on the thread brings a second file.
    const reply = await buildMessage({
      from: 'Fay Files <fay@finder.test>',
      to: SECURITY,
      subject: 'Re: IDOR in the invoice API',
      inReplyTo: '<first.fay@finder.test>',
      references: ['<first.fay@finder.test>'],
      text: 'Another request that works.',
      attachments: [{ filename: 'second.txt', content: 'request Fy2secret\n' }],
    });
    const joined = await t.container.services.mail.receiveMessage(reply.raw, envelope);
    expect(joined.reportKey).toBe(key);

    const detail = async () => {
      const res = await t.app.inject({ url: `/api/v1/reports/${key}`, headers: lead });
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as {
        attachments: { id: string; name: string; redactedAt: string | null; downloadUrl: string }[];
        redactions: { field: string; attachmentId: string | null; rule: string }[];
      };
    };
    const files = (await detail()).attachments;
    expect(files.map((a) => a.name)).toEqual(['trace.txt', 'second.txt']);
    const paths = await t.container.db
      .selectFrom('report_attachments')
      .select(['id', 'stored_path'])
      .where(
        'id',
        'in',
        files.map((a) => a.id),
      )
      .execute();
    expect(paths).toHaveLength(2);

    const close = await t.app.inject({
      method: 'POST',
      url: `/api/v1/reports/${key}/close`,
      headers: lead,
      payload: { resolution: 'not_vulnerability', reason: 'Invoices are public by design' },
    });
    expect(close.statusCode, close.body).toBe(204);
    const closedAt = clock.now();

    // mailDays on: the messages as received go, the files on the report stay (attachmentDays).
    clock.set(closedAt + 90 * DAY);
    expect(await t.container.services.mail.sweepMailRetention()).toEqual({
      messages: 2,
      files: 2,
    });
    // (The sweeps' counts include the earlier test's report, closed before this one.)
    clock.set(closedAt + 180 * DAY - 1);
    await t.container.services.reports.sweepRetention();
    for (const p of paths) expect(await storedFile(t, p.stored_path)).toBeInstanceOf(Buffer);
    expect((await detail()).attachments.every((a) => a.redactedAt === null)).toBe(true);

    // attachmentDays on: both files go, as a portal's would, each with its tombstone.
    clock.set(closedAt + 180 * DAY);
    expect(await t.container.services.reports.sweepRetention()).toMatchObject({
      attachments: 2,
      files: 2,
    });
    const after = await detail();
    expect(after.attachments.map((a) => a.redactedAt)).toEqual([
      new Date(clock.now()).toISOString(),
      new Date(clock.now()).toISOString(),
    ]);
    expect(
      after.redactions.filter((r) => r.field === 'attachment').map((r) => [r.attachmentId, r.rule]),
    ).toEqual(files.map((a) => [a.id, 'retention']));
    for (const p of paths) await expect(storedFile(t, p.stored_path)).rejects.toThrow();
    for (const a of files) {
      const download = await t.app.inject({ url: a.downloadUrl, headers: lead });
      expect(download.statusCode).toBe(404);
      expect(download.body).not.toMatch(/Fy[12]secret/);
    }
    expect((await reportTombstones(t, key)).map((s) => s.field)).toEqual([
      'contact',
      'attachment',
      'attachment',
    ]);

    await expectVerifies(t);
  });
});
