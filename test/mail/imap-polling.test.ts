// security@ read from a mailbox by IMAP: a real Dovecot (Debian's dovecot-imapd) started for this
// file on a free port with a throw-away maildir; messages are put in it with a real IMAP client
// (APPEND), as a mail server would deliver them. Stopline reads them through the same use case as
// SMTP: raw bytes and SHA-256 stored first, a report with its receipt, replies joining by
// In-Reply-To and by token, duplicates by Message-ID; it reads each UID once under its UIDVALIDITY,
// moves, flags or keeps what it stored, reads new mail as IDLE announces it, and of two instances
// on one database only the one holding the mailbox's lease ever reads it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { ImapFlow } from 'imapflow';
import * as openpgp from 'openpgp';
import type { MailOutcome } from '../../src/server/domain/mail/index.ts';
import { ImapPoller, type ImapPollerSettings } from '../../src/server/integrations/imap-poller.ts';
import { startSmtpReceiver, type SmtpReceiver } from '../helpers/delivery.ts';
import { startDovecot, type Dovecot } from '../helpers/dovecot.ts';
import { buildMessage, outboxTo, staffReport, TestDns } from '../helpers/mail.ts';
import { generateTestKey, innerEntity, pgpMimeMessage } from '../helpers/pgp.ts';
import { countRows, createTestApp, storedFile, type TestApp } from '../helpers/test-app.ts';

const SECURITY = 'security@stopline.test';
let dovecot: Dovecot;
let t: TestApp;
let box: ImapFlow;
let receiver: SmtpReceiver;

beforeAll(async () => {
  dovecot = await startDovecot({ user: SECURITY });
  t = await createTestApp({
    env: {
      STOPLINE_SECURITY_EMAIL: SECURITY,
      STOPLINE_IMAP_HOST: dovecot.host,
      STOPLINE_IMAP_PORT: String(dovecot.port),
      STOPLINE_IMAP_SECURITY: 'none',
      STOPLINE_IMAP_ALLOW_PLAINTEXT_AUTH: 'true',
      STOPLINE_IMAP_USER: dovecot.user,
      STOPLINE_IMAP_PASSWORD: dovecot.password,
      STOPLINE_IMAP_AFTER: 'move',
      STOPLINE_IMAP_MOVE_TO: 'Filed',
    },
    overrides: { dnsResolver: new TestDns().resolve },
  });
  // The test's own IMAP session: it delivers (APPEND) and looks at the folders.
  box = new ImapFlow({
    host: dovecot.host,
    port: dovecot.port,
    secure: false,
    doSTARTTLS: false,
    auth: { user: dovecot.user, pass: dovecot.password },
    logger: false,
  });
  await box.connect();
  for (const folder of ['Flagged-box', 'Kept-box', 'Renumbered']) await box.mailboxCreate(folder);
  receiver = await startSmtpReceiver();
}, 30_000);
afterAll(async () => {
  await t?.container.workers.imap?.stop();
  await box?.logout();
  await receiver?.stop();
  await t?.close();
  await dovecot?.stop();
});

const poller = () => t.container.workers.imap!;

/** A poller of another folder (and post-action) on the same app and database. */
function pollerOf(app: TestApp, settings: Partial<ImapPollerSettings>) {
  const mail = app.container.services.mail;
  return new ImapPoller({
    logger: app.container.logger,
    mailboxes: mail,
    receive: (raw, envelope) => mail.receiveMessage(raw, envelope),
    settings: {
      host: dovecot.host,
      port: dovecot.port,
      security: 'none',
      user: dovecot.user,
      password: dovecot.password,
      mailbox: 'INBOX',
      after: 'keep',
      moveTo: 'Filed',
      pollMs: 60_000,
      leaseMs: 180_000,
      maxBytes: 1024 * 1024,
      ...settings,
    },
  });
}

const deliver = async (raw: Buffer, folder = 'INBOX') => {
  const appended = await box.append(folder, raw);
  expect(appended).toBeTruthy();
};

/** What a folder holds now: UID, flags and the bytes. */
async function folder(path: string) {
  const lock = await box.getMailboxLock(path);
  try {
    if (!box.mailbox || box.mailbox.exists === 0) return [];
    const messages = await box.fetchAll('1:*', { uid: true, flags: true, source: true });
    return messages.map((m) => ({ uid: m.uid, flags: [...(m.flags ?? [])], source: m.source! }));
  } finally {
    lock.release();
  }
}

const inboundRow = (id: string) =>
  t.container.db
    .selectFrom('inbound_mail')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirstOrThrow();

const reportKeyOf = async (reportId: string) =>
  (
    await t.container.db
      .selectFrom('reports')
      .select('key')
      .where('id', '=', reportId)
      .executeTakeFirstOrThrow()
  ).key;

const cursorOf = (p: ImapPoller) =>
  t.container.db
    .selectFrom('mail_imap_mailboxes')
    .selectAll()
    .where('mailbox', '=', p.mailboxKey)
    .executeTakeFirstOrThrow();

const aliceReport = () =>
  buildMessage({
    from: 'Alice Finder <alice@reporter.test>',
    to: SECURITY,
    subject: 'IDOR on /api/invoices',
    text: 'Change the invoice id and you get another customer’s invoice.',
    messageId: '<imap-first@reporter.test>',
  });

describe('a report read from the mailbox by IMAP', () => {
  let reportId: string;

  it('becomes a report with a receipt, its raw bytes and SHA-256 stored as read, then it is moved to the configured folder and its UID recorded', async () => {
    const message = await aliceReport();
    await deliver(message.raw);
    const round = await poller().pollOnce();
    expect(round).toMatchObject({ held: true, tooBig: 0 });
    expect(round.read).toHaveLength(1);
    const row = await inboundRow(round.read[0]!.id);
    expect(row).toMatchObject({
      via: 'imap',
      status: 'report',
      message_id: 'imap-first@reporter.test',
      from_address: 'alice@reporter.test',
      sha256: message.sha256,
    });
    const stored = await storedFile(t, row.raw_path);
    expect(createHash('sha256').update(stored).digest('hex')).toBe(message.sha256);
    reportId = row.report_id!;
    const report = await staffReport(t, await reportKeyOf(reportId));
    expect(report.summary).toBe('IDOR on /api/invoices');
    expect(report.description).toContain('another customer’s invoice');

    // Moved: the inbox is empty, the Filed folder holds the very bytes.
    expect(await folder('INBOX')).toEqual([]);
    const filed = await folder('Filed');
    expect(filed).toHaveLength(1);
    expect(filed[0]!.source).toEqual(message.raw);
    const cursor = await cursorOf(poller());
    expect(Number(cursor.last_uid)).toBe(1);
    expect(Number(cursor.uid_validity)).toBeGreaterThan(0);

    // The receipt goes out as for SMTP, with the report's reply address.
    await outboxTo(t, receiver.port, SECURITY).deliverDue(t.clock.now());
    await receiver.waitFor(1);
    const receipt = receiver.received.find((m) => m.subject?.includes('IDOR'))!;
    expect(receipt.to).toMatchObject({ value: [{ address: 'alice@reporter.test' }] });
    expect(receipt.replyTo?.value[0]?.address).toMatch(/^security\+[0-9a-f]{32}@stopline\.test$/);
  });

  it("the reporter's replies join the same report, by In-Reply-To and by the reply address; the same message again is a duplicate", async () => {
    const reports = await countRows(t, 'reports');
    const byThread = await buildMessage({
      from: 'alice@reporter.test',
      to: SECURITY,
      subject: 'Re: IDOR on /api/invoices',
      text: 'It works for credit notes too.',
      messageId: '<imap-reply-1@reporter.test>',
      inReplyTo: '<imap-first@reporter.test>',
    });
    const receipt = receiver.received.find((m) => m.subject?.includes('IDOR'))!;
    const byToken = await buildMessage({
      from: 'alice@other-account.test',
      to: receipt.replyTo!.value[0]!.address!,
      subject: 'Another detail',
      text: 'From my other account: the export endpoint too.',
      messageId: '<imap-reply-2@other-account.test>',
    });
    await deliver(byThread.raw);
    await deliver(byToken.raw);
    await deliver((await aliceReport()).raw);
    const round = await poller().pollOnce();
    expect(round.read.map((o: MailOutcome) => o.status)).toEqual(['reply', 'reply', 'duplicate']);
    const rows = await Promise.all(round.read.map((o) => inboundRow(o.id)));
    expect(rows.map((r) => r.report_id)).toEqual([reportId, reportId, reportId]);
    expect(await countRows(t, 'reports')).toBe(reports);
    const messages = await t.container.db
      .selectFrom('report_messages')
      .select('body')
      .where('report_id', '=', reportId)
      .execute();
    const bodies = messages.map((m) => m.body).join('\n');
    expect(bodies).toContain('credit notes too');
    expect(bodies).toContain('the export endpoint too');
    expect(await folder('INBOX')).toEqual([]);
    expect(Number((await cursorOf(poller())).last_uid)).toBe(4);
  });

  it('a PGP/MIME report from the mailbox is decrypted with the team key', async () => {
    const published = await t.app.inject({ method: 'GET', url: '/pgp-key.asc' });
    expect(published.statusCode).toBe(200);
    const teamKey = await openpgp.readKey({ armoredKey: published.body });
    const bob = await generateTestKey('bob@reporter.test');
    const raw = await pgpMimeMessage(
      {
        From: 'Bob <bob@reporter.test>',
        To: SECURITY,
        Subject: '...',
        'Message-ID': '<imap-encrypted@reporter.test>',
      },
      await innerEntity({
        subject: 'Token leak in logs',
        text: 'Session tokens are logged in full.',
      }),
      teamKey,
      bob.privateKey,
    );
    await deliver(raw);
    const round = await poller().pollOnce();
    const row = await inboundRow(round.read[0]!.id);
    expect(row.status).toBe('report');
    expect(JSON.parse(row.pgp_json!)).toMatchObject({ encrypted: 'pgp-mime', decrypted: true });
    const report = await staffReport(t, await reportKeyOf(row.report_id!));
    expect(report.summary).toBe('Token leak in logs');
    expect(report.description).toContain('Session tokens are logged in full.');
    // The stored message is the ciphertext as read.
    expect(await storedFile(t, row.raw_path)).toEqual(raw);
  });
});

describe('what is read, and what is done after', () => {
  it('flag: the message is marked \\Seen and stays; keep: it stays untouched; neither is read twice', async () => {
    const flagging = pollerOf(t, { mailbox: 'Flagged-box', after: 'flag' });
    const keeping = pollerOf(t, { mailbox: 'Kept-box', after: 'keep' });
    try {
      const one = await buildMessage({
        from: 'carol@reporter.test',
        to: SECURITY,
        subject: 'Open redirect',
        text: '/login?next=//evil.test',
        messageId: '<imap-flag@reporter.test>',
      });
      const two = await buildMessage({
        from: 'dave@reporter.test',
        to: SECURITY,
        subject: 'Clickjacking on settings',
        text: 'No frame-ancestors.',
        messageId: '<imap-keep@reporter.test>',
      });
      await deliver(one.raw, 'Flagged-box');
      await deliver(two.raw, 'Kept-box');
      expect((await flagging.pollOnce()).read.map((o) => o.status)).toEqual(['report']);
      expect((await keeping.pollOnce()).read.map((o) => o.status)).toEqual(['report']);
      const flagged = await folder('Flagged-box');
      expect(flagged).toHaveLength(1);
      expect(flagged[0]!.flags).toContain('\\Seen');
      const kept = await folder('Kept-box');
      expect(kept).toHaveLength(1);
      expect(kept[0]!.flags).not.toContain('\\Seen');
      // Their UIDs are recorded: the next rounds read nothing, no second copy is stored.
      const stored = await countRows(t, 'inbound_mail');
      expect((await flagging.pollOnce()).read).toEqual([]);
      expect((await keeping.pollOnce()).read).toEqual([]);
      expect(await countRows(t, 'inbound_mail')).toBe(stored);
    } finally {
      await flagging.stop();
      await keeping.stop();
    }
  });

  it('a mailbox with a new UIDVALIDITY is read again, and what was stored before is recognised by its Message-ID', async () => {
    const reading = pollerOf(t, { mailbox: 'Renumbered', after: 'keep' });
    try {
      const message = await buildMessage({
        from: 'erin@reporter.test',
        to: SECURITY,
        subject: 'XXE in the SAML endpoint',
        text: 'External entities are resolved.',
        messageId: '<imap-renumbered@reporter.test>',
      });
      await deliver(message.raw, 'Renumbered');
      expect((await reading.pollOnce()).read.map((o) => o.status)).toEqual(['report']);
      const before = await cursorOf(reading);
      // The folder is made anew (as a restored server would): same message, a new UIDVALIDITY.
      await box.mailboxDelete('Renumbered');
      await box.mailboxCreate('Renumbered');
      await deliver(message.raw, 'Renumbered');
      const again = await reading.pollOnce();
      expect(again.read.map((o) => o.status)).toEqual(['duplicate']);
      const after = await cursorOf(reading);
      expect(Number(after.uid_validity)).not.toBe(Number(before.uid_validity));
      expect(Number(after.last_uid)).toBe(1);
    } finally {
      await reading.stop();
    }
  });

  it('while it holds the mailbox, new mail announced by IDLE is read without a poll', async () => {
    const running = poller();
    running.start();
    try {
      // The first round: the mailbox is open and idling.
      await new Promise((resolve) => running.once('round', resolve));
      const arrived = new Promise<MailOutcome>((resolve) => running.once('message', resolve));
      const message = await buildMessage({
        from: 'frank@reporter.test',
        to: SECURITY,
        subject: 'Directory listing on /backup',
        text: 'Index of /backup shows database dumps.',
        messageId: '<imap-idle@reporter.test>',
      });
      await deliver(message.raw);
      const outcome = await arrived;
      expect(outcome.status).toBe('report');
      expect((await inboundRow(outcome.id)).sha256).toBe(message.sha256);
    } finally {
      await running.stop();
    }
  });
});

describe('two instances on one database', () => {
  it('never both read the mailbox: one holds its lease, the other stays away until it is let go or runs out', async () => {
    const second = await createTestApp({
      database: t.database,
      clock: t.clock,
      env: { STOPLINE_SECURITY_EMAIL: SECURITY },
      overrides: { dnsResolver: new TestDns().resolve },
    });
    const a = pollerOf(t, { mailbox: 'Shared', after: 'keep', holder: 'instance-a' });
    const b = pollerOf(second, { mailbox: 'Shared', after: 'keep', holder: 'instance-b' });
    try {
      await box.mailboxCreate('Shared');
      for (const n of [1, 2, 3])
        await deliver(
          (
            await buildMessage({
              from: `tester${n}@reporter.test`,
              to: SECURITY,
              subject: `Shared mailbox report ${n}`,
              text: 'Found by a scanner.',
              messageId: `<imap-shared-${n}@reporter.test>`,
            })
          ).raw,
          'Shared',
        );
      const stored = await countRows(t, 'inbound_mail');
      // Both at once: exactly one holds the mailbox and reads the three; the other reads none.
      const [ra, rb] = await Promise.all([a.pollOnce(), b.pollOnce()]);
      expect([ra.held, rb.held].sort()).toEqual([false, true]);
      const [holder, standby] = ra.held ? [a, b] : [b, a];
      expect([...ra.read, ...rb.read].map((o) => o.status)).toEqual(['report', 'report', 'report']);
      expect(await countRows(t, 'inbound_mail')).toBe(stored + 3);

      // New mail: still only the holder reads it.
      await deliver(
        (
          await buildMessage({
            from: 'tester4@reporter.test',
            to: SECURITY,
            subject: 'Shared mailbox report 4',
            text: 'Found later.',
            messageId: '<imap-shared-4@reporter.test>',
          })
        ).raw,
        'Shared',
      );
      expect(await standby.pollOnce()).toMatchObject({ held: false, read: [] });
      expect((await holder.pollOnce()).read).toHaveLength(1);

      // The holder stops (lets go): the other takes over and finds nothing left to read.
      await holder.stop();
      expect(await standby.pollOnce()).toMatchObject({ held: true, read: [] });
      // The stopped one, were it to try, now finds the mailbox held.
      expect(await holder.pollOnce()).toMatchObject({ held: false, read: [] });

      // A holder that stops renewing (a crashed instance) loses the mailbox when its lease runs out.
      t.clock.advance(180_001);
      expect(await holder.pollOnce()).toMatchObject({ held: true });
      expect(await standby.pollOnce()).toMatchObject({ held: false, read: [] });
      expect(await countRows(t, 'inbound_mail')).toBe(stored + 4);
    } finally {
      await a.stop();
      await b.stop();
      await second.close();
    }
  });
});
