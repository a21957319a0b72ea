// A reporter gives their OpenPGP public key in the portal (a server-rendered form, no script):
// a bad armour, a private key (never kept, never echoed back), a key for another address or a
// second key for an address that has one are field errors on pgpKey; a good one is kept for the
// report's address and recorded on the report (the portal's history shows it), and the next staff
// reply by e-mail opens with the matching private key and not with another. Real SMTP out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParsedMail } from 'mailparser';
import type { SmtpReceiver } from '../helpers/delivery.ts';
import { deliveredTo, staffReply, startMailApp } from '../helpers/mail.ts';
import { decryptWith, generateTestKey, type TestKey } from '../helpers/pgp.ts';
import {
  formEncoded,
  formFields,
  multipart,
  readReceipt,
  signIn,
  type PortalVisit,
} from '../helpers/reports.ts';
import type { TestApp } from '../helpers/test-app.ts';

const SECURITY = 'security@stopline.test';
const REPORTER = 'dave@reporter.test';
let t: TestApp;
let receiver: SmtpReceiver;
let close: () => Promise<void>;
let dave: TestKey;
let key: string;
let portal: PortalVisit;

beforeAll(async () => {
  ({ t, receiver, close } = await startMailApp());
  dave = await generateTestKey(REPORTER);
  const form = multipart(formFields({ summary: 'SSRF in the PDF export', contactEmail: REPORTER }));
  const receipt = readReceipt(await t.app.inject({ method: 'POST', url: '/report', ...form }));
  key = receipt.key;
  portal = await signIn(t.app, key, receipt.accessCode);
});
afterAll(() => close());

async function giveKey(pgpKey: string, visit = portal) {
  const form = formEncoded({ csrf: await visit.csrf(), pgpKey });
  return t.app.inject({
    method: 'POST',
    url: '/portal/pgp-key',
    headers: { ...form.headers, cookie: visit.cookie },
    payload: form.payload,
  });
}

async function keptKeys() {
  return t.container.db.selectFrom('mail_sender_keys').selectAll().execute();
}

async function keyEvents() {
  return t.container.db
    .selectFrom('events')
    .select('data_json')
    .where('type', '=', 'report.reporter_key_added')
    .execute();
}

/** The plaintext of a PGP/MIME mail, opened with `k`. */
async function openWith(mail: ParsedMail, k: TestKey): Promise<string> {
  expect(mail.headers.get('content-type')).toMatchObject({ value: 'multipart/encrypted' });
  const part = mail.attachments.find((a) => a.contentType === 'application/octet-stream')!;
  return decryptWith(part.content.toString(), k.privateKey);
}

describe('the reporter’s OpenPGP key, given in the portal', () => {
  it('the portal offers a labelled form for it, without script', async () => {
    const page = await portal.page();
    expect(page).toContain('<form method="post" action="/portal/pgp-key"');
    expect(page).toMatch(/<label for="f-pgpKey">Your OpenPGP public key \(armoured\)<\/label>/);
    expect(page).not.toMatch(/<script/i);
  });

  it('bad armour, a private key, a key for another address: field errors, nothing kept', async () => {
    const bad = await giveKey('-----BEGIN PGP PUBLIC KEY BLOCK-----\nnot a key\n');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('There is a problem');
    expect(bad.body).toContain('<a href="#f-pgpKey">This is not an OpenPGP public key we can read');
    expect(bad.body).toMatch(/id="f-pgpKey"[^>]*aria-invalid="true"/);

    const armoredPrivate = dave.privateKey.armor();
    const priv = await giveKey(armoredPrivate);
    expect(priv.statusCode).toBe(400);
    expect(priv.body).toContain('This is a private key: it was not kept.');
    // Never sent back into the page, never stored anywhere.
    expect(priv.body).not.toContain('PRIVATE KEY BLOCK');
    expect(priv.body).not.toContain(armoredPrivate.split('\n')[3]);

    const other = await generateTestKey('someone@else.test');
    const wrong = await giveKey(other.armoredPublic);
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain(`This key does not name your address ${REPORTER}`);

    expect(await giveKey('   ').then((r) => r.statusCode)).toBe(400);
    expect(await keptKeys()).toEqual([]);
    expect(await keyEvents()).toEqual([]);
    const stored = JSON.stringify(
      await t.container.db.selectFrom('events').select('data_json').execute(),
    );
    expect(stored).not.toContain('PRIVATE KEY');
  });

  it('a public key for the address is kept and recorded, and the next staff reply is encrypted to it', async () => {
    const res = await giveKey(dave.armoredPublic);
    expect(res.statusCode, res.body.slice(0, 500)).toBe(200);
    expect(res.body).toContain(`We keep your key ${dave.fingerprint}`);
    expect((await keptKeys()).map((k) => [k.address, k.fingerprint])).toEqual([
      [REPORTER, dave.fingerprint],
    ]);
    expect((await keyEvents()).map((e) => JSON.parse(e.data_json))).toEqual([
      { fingerprint: dave.fingerprint },
    ]);
    expect(await portal.page()).toContain('You gave your OpenPGP key');

    await deliveredTo(t, receiver, SECURITY, REPORTER);
    await staffReply(t, key, 'We reproduced the SSRF against the metadata service.');
    const [mail, ...rest] = await deliveredTo(t, receiver, SECURITY, REPORTER);
    expect(rest).toEqual([]);
    expect(mail!.text ?? '').not.toContain('metadata service');
    expect(await openWith(mail!, dave)).toContain(
      'We reproduced the SSRF against the metadata service.',
    );
    const stranger = await generateTestKey(REPORTER);
    await expect(openWith(mail!, stranger)).rejects.toThrow();
  });

  it('the same key again changes nothing; another key for the address is refused', async () => {
    const again = await giveKey(dave.armoredPublic);
    expect(again.statusCode).toBe(200);
    expect(again.body).toContain('We already had your key');
    const swap = await giveKey((await generateTestKey(REPORTER)).armoredPublic);
    expect(swap.statusCode).toBe(400);
    expect(swap.body).toContain('Another key is already kept for your address');
    expect((await keptKeys()).map((k) => k.fingerprint)).toEqual([dave.fingerprint]);
    expect(await keyEvents()).toHaveLength(1);
  });

  it('without a session or with a wrong CSRF token nothing is kept', async () => {
    const other = await generateTestKey('zed@reporter.test');
    const noSession = await t.app.inject({
      method: 'POST',
      url: '/portal/pgp-key',
      ...formEncoded({ csrf: 'x', pgpKey: other.armoredPublic }),
    });
    expect(noSession.statusCode).toBe(401);
    const form = formEncoded({ csrf: 'not-the-token', pgpKey: other.armoredPublic });
    const forged = await t.app.inject({
      method: 'POST',
      url: '/portal/pgp-key',
      headers: { ...form.headers, cookie: portal.cookie },
      payload: form.payload,
    });
    expect(forged.statusCode).toBe(403);
    expect(await keptKeys()).toHaveLength(1);
  });
});
