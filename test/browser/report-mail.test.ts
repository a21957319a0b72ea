// A report's e-mails in the console, as staff read them: each message as received (how it came,
// its SHA-256, what it became), whether its sender may be forged, its OpenPGP signature verdict,
// and the mail headers on demand for who may read the reporter's contact data (each read in the
// access log). Hostile mail (script in the HTML part, the subject and a file name) stays text:
// nothing runs. Mail arrives over real SMTP at Stopline's listener; Chromium with axe reads it.
import { createHash } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../helpers/auth.ts';
import {
  accessibilityViolations,
  type BrowserApp,
  launchBrowser,
  PHONE,
  recordDialogs,
  signedInPage,
  startBrowserApp,
} from '../helpers/browser.ts';
import { startSmtpReceiver, type SmtpReceiver } from '../helpers/delivery.ts';
import { buildMessage, deliveredTo, lastInbound, sendRaw, TestDns } from '../helpers/mail.ts';
import { generateTestKey, pgpSignedMessage } from '../helpers/pgp.ts';
import { submitReport } from '../helpers/reports.ts';

const SECURITY = 'security@stopline.test';
const HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)>';
const ATTACHMENT = Buffer.from('GET /reset?token=leaked\n');

let t: BrowserApp;
let browser: Browser;
let port: number;
let receiver: SmtpReceiver;
const dns = new TestDns();

beforeAll(async () => {
  // bank.test only sends from 192.0.2.1: mail from 127.0.0.1 claiming it is forged.
  dns.publish('bank.test', 'v=spf1 ip4:192.0.2.1 -all');
  dns.publish('_dmarc.bank.test', 'v=DMARC1; p=reject');
  t = await startBrowserApp({
    env: { STOPLINE_SECURITY_EMAIL: SECURITY, STOPLINE_SMTP_IN_PORT: '0' },
    overrides: { dnsResolver: dns.resolve },
  });
  await t.container.workers.listen();
  port = t.container.workers.smtpIn!.port!;
  browser = await launchBrowser();
  receiver = await startSmtpReceiver();
});
afterAll(async () => {
  await receiver?.stop();
  await browser?.close();
  await t?.close();
});

/** The bodies of the report's conversation, as staff read it (the API). */
async function conversationBodies(): Promise<string[]> {
  const rows = await t.container.db.selectFrom('report_messages').select('body').execute();
  return rows.map((r) => r.body);
}

async function reportKeyOf(messageId: string): Promise<string> {
  const row = await t.container.db
    .selectFrom('inbound_mail')
    .innerJoin('reports', 'reports.id', 'inbound_mail.report_id')
    .select('reports.key')
    .where('inbound_mail.message_id', '=', messageId.replace(/^<|>$/g, ''))
    .executeTakeFirstOrThrow();
  return row.key;
}

describe('a report that came by e-mail, in the console', () => {
  let key: string;
  let first: Awaited<ReturnType<typeof buildMessage>>;
  let signedSha: string;
  let fingerprint: string;

  beforeAll(async () => {
    // An HTML-only report with script in every field it has, from an address it may not be.
    first = await buildMessage({
      from: `Mallory <ceo@bank.test>`,
      to: SECURITY,
      subject: `Account takeover ${HOSTILE}`,
      html: `<p>The reset link leaks.</p>${HOSTILE}<a href="javascript:alert(3)">proof</a>`,
      messageId: '<hostile-html@bank.test>',
      headers: { 'X-Trace-Hop': 'edge-7' },
      attachments: [{ filename: `${HOSTILE}.txt`, content: ATTACHMENT }],
    });
    expect(await sendRaw(port, { from: 'ceo@bank.test', to: [SECURITY] }, first.raw)).toMatch(
      /^250 /,
    );
    key = await reportKeyOf('<hostile-html@bank.test>');

    // The reporter answers on the thread from the same address, signed with a key Stopline has
    // not been given.
    const reporterKey = await generateTestKey('ceo@bank.test');
    fingerprint = reporterKey.fingerprint;
    const signed = await pgpSignedMessage(
      {
        From: 'Mallory <ceo@bank.test>',
        To: SECURITY,
        Subject: `Re: Account takeover [${key}]`,
        'Message-ID': '<signed-reply@bank.test>',
        'In-Reply-To': '<hostile-html@bank.test>',
        Date: new Date().toUTCString(),
      },
      'More detail: the token is in the Referer header.',
      reporterKey.privateKey,
    );
    expect(await sendRaw(port, { from: 'ceo@bank.test', to: [SECURITY] }, signed)).toMatch(/^250 /);
    // The hash of the bytes as the listener received them (SMTP ends them with a line break).
    signedSha = (await lastInbound(t)).sha256;
    expect(signedSha).not.toBe(first.sha256);
  });

  it('shows each message as received, with its hash, checks and signature verdict, and nothing in it runs', async () => {
    const responder = await createUser(t, { roles: ['responder'] });
    const { context, page } = await signedInPage(browser, t.baseUrl, responder);
    const dialogs = recordDialogs(page);
    await page.goto(`/app/reports/${key}`);

    const section = page.getByRole('region', { name: 'E-mail as received' });
    await section.waitFor();
    const cards = section.getByTestId('mail-message');
    await expect.poll(() => cards.count()).toBe(2);

    const made = cards.filter({ hasText: first.sha256 });
    await expect(made.getByTestId('mail-status').textContent()).resolves.toBe('Made this report');
    await expect(made.getByTestId('mail-authentication').textContent()).resolves.toMatch(
      /SPF fail.*DMARC fail.*The sender may be forged/,
    );
    await expect(made.getByTestId('mail-openpgp').textContent()).resolves.toBe(
      'Not encrypted, not signed',
    );

    const reply = cards.filter({ hasText: signedSha });
    await expect(reply.getByTestId('mail-status').textContent()).resolves.toBe(
      'Joined the conversation',
    );
    const signature = await reply.getByTestId('mail-signature').textContent();
    expect(signature).toContain('Signed with a key Stopline does not know');
    expect(signature?.replace(/\s/g, '').toUpperCase()).toMatch(
      new RegExp(fingerprint.slice(-16).toUpperCase()),
    );

    // The hostile text is on the page as text; no markup of it became an element.
    const body = await page.locator('main').textContent();
    expect(body).toContain('<script>alert(1)</script>');
    expect(
      await page.locator('main script, main img[src="x"], main a[href^="javascript"]').count(),
    ).toBe(0);
    expect(dialogs).toEqual([]);

    // The message's attachment is one of the report's files: its name as text, with its hash.
    const file = page.getByTestId('attachments').locator('li').filter({ hasText: '.txt' });
    expect(await file.locator('.untrusted').textContent()).toBe(`${HOSTILE}.txt`);
    expect(await file.locator('code.hash').textContent()).toBe(
      createHash('sha256').update(ATTACHMENT).digest('hex'),
    );

    expect(await accessibilityViolations(page)).toEqual([]);

    // A reply written in the console goes to the reporter by e-mail, on their thread.
    await page
      .getByLabel('Message to the reporter', { exact: true })
      .fill('Thanks, we reproduced it.');
    await page.getByRole('button', { name: 'Send to the reporter' }).click();
    await expect
      .poll(async () => (await conversationBodies()).includes('Thanks, we reproduced it.'))
      .toBe(true);
    const [sent] = await deliveredTo(t, receiver, SECURITY, 'ceo@bank.test');
    expect(sent?.text).toContain('Thanks, we reproduced it.');
    expect(sent?.inReplyTo).toBe('<signed-reply@bank.test>');
    expect(sent?.headers.get('auto-submitted')).toBe('auto-generated');
    expect(dialogs).toEqual([]);
    await context.close();
  });

  it('shows the mail headers on demand as text, and records the read in the access log', async () => {
    const lead = await createUser(t, { roles: ['security_lead'] });
    const { context, page } = await signedInPage(browser, t.baseUrl, lead, PHONE);
    const dialogs = recordDialogs(page);
    await page.goto(`/app/reports/${key}`);
    const made = page
      .getByRole('region', { name: 'E-mail as received' })
      .getByTestId('mail-message')
      .filter({ hasText: first.sha256 });
    await made.getByRole('button', { name: 'Show the mail headers' }).click();

    const headers = made.getByTestId('mail-headers');
    await expect.poll(() => headers.isVisible()).toBe(true);
    // Focus moves to what the button brought.
    await expect
      .poll(() => page.evaluate('document.activeElement?.getAttribute("data-testid")'))
      .toBe('mail-headers');
    const text = (await headers.textContent()) ?? '';
    expect(text).toContain('X-Trace-Hop: edge-7');
    expect(text).toContain('Message-ID: <hostile-html@bank.test>');
    expect(text).toMatch(/^From: Mallory <ceo@bank\.test>$/m);
    // Headers only: the body is not in the block.
    expect(text).not.toContain('The reset link leaks');
    expect(dialogs).toEqual([]);
    expect(await accessibilityViolations(page)).toEqual([]);

    const reads = await t.container.db
      .selectFrom('report_access_log')
      .select(['action', 'actor_id'])
      .where('action', '=', 'mail_raw_read')
      .execute();
    expect(reads.map((r) => r.actor_id)).toContain(lead.id);
    await context.close();
  });

  it('offers no headers to a reader who may not see the reporter’s contact data', async () => {
    const viewer = await createUser(t, { roles: ['viewer'] });
    const { context, page } = await signedInPage(browser, t.baseUrl, viewer);
    await page.goto(`/app/reports/${key}`);
    const section = page.getByRole('region', { name: 'E-mail as received' });
    await expect.poll(() => section.getByTestId('mail-message').count()).toBe(2);
    expect(await section.getByRole('button', { name: 'Show the mail headers' }).count()).toBe(0);
    expect(await section.getByRole('link', { name: /Download the message/ }).count()).toBe(0);
    await context.close();
  });

  it('shows no e-mail section on a report made with the form', async () => {
    const { key: formKey } = await submitReport(t, 'Open redirect');
    const responder = await createUser(t, { roles: ['responder'] });
    const { context, page } = await signedInPage(browser, t.baseUrl, responder);
    await page.goto(`/app/reports/${formKey}`);
    await page.getByRole('heading', { name: 'Files' }).waitFor();
    expect(await page.getByRole('region', { name: 'E-mail as received' }).count()).toBe(0);
    await context.close();
  });
});
