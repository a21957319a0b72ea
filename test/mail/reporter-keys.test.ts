// A reporter's OpenPGP key reaches Stopline two more ways, and what Stopline mails them is then
// encrypted to it: the report form's OpenPGP field (a public key naming their address; the first
// key kept stays), and an Autocrypt header on their mail (kept when none is; replacing the kept
// key only when DMARC proves the sender; never from a sender shown forged). Real SMTP both ways;
// each mail is decrypted with the reporter's private key and not with another.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParsedMail } from 'mailparser';
import { startSmtpReceiver, type SmtpReceiver } from '../helpers/delivery.ts';
import { buildMessage, deliveredTo, sendRaw, staffReply, TestDns } from '../helpers/mail.ts';
import { decryptWith, generateTestKey, type TestKey } from '../helpers/pgp.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const SECURITY = 'security@stopline.test';
let t: TestApp;
let receiver: SmtpReceiver;
const dns = new TestDns();

beforeAll(async () => {
  dns.publish('reporter.test', 'v=spf1 ip4:127.0.0.1 -all');
  dns.publish('_dmarc.reporter.test', 'v=DMARC1; p=reject');
  dns.publish('nodmarc.test', 'v=spf1 ip4:127.0.0.1 -all');
  dns.publish('spoof.test', 'v=spf1 ip4:192.0.2.1 -all');
  dns.publish('_dmarc.spoof.test', 'v=DMARC1; p=reject');
  t = await createTestApp({
    env: {
      STOPLINE_BASE_URL: 'https://stopline.test',
      STOPLINE_SECURITY_EMAIL: SECURITY,
      STOPLINE_SMTP_IN_PORT: '0',
    },
    overrides: { dnsResolver: dns.resolve },
  });
  await t.container.workers.listen();
  receiver = await startSmtpReceiver();
});
afterAll(async () => {
  await receiver.stop();
  await t.close();
});

const deliveredToAddress = (address: string) => deliveredTo(t, receiver, SECURITY, address);

/** The plaintext of a PGP/MIME mail, opened with `key`. */
async function openWith(mail: ParsedMail, key: TestKey): Promise<string> {
  expect(mail.headers.get('content-type')).toMatchObject({ value: 'multipart/encrypted' });
  const part = mail.attachments.find((a) => a.contentType === 'application/octet-stream')!;
  return decryptWith(part.content.toString(), key.privateKey);
}

async function keptFingerprint(address: string) {
  const row = await t.container.db
    .selectFrom('mail_sender_keys')
    .select('fingerprint')
    .where('address', '=', address)
    .executeTakeFirst();
  return row?.fingerprint ?? null;
}

const writeToReporter = (key: string, body: string) => staffReply(t, key, body);

const autocrypt = (address: string, key: TestKey) =>
  `addr=${address}; prefer-encrypt=mutual; keydata=${Buffer.from(key.publicKey.write()).toString('base64')}`;

async function mailWithAutocrypt(from: string, key: TestKey, id: string) {
  const message = await buildMessage({
    from,
    to: SECURITY,
    subject: `Report ${id}`,
    text: 'Details inside.',
    messageId: `<${id}>`,
    headers: { Autocrypt: autocrypt(from, key) },
  });
  expect(
    await sendRaw(t.container.workers.smtpIn!.port!, { from, to: [SECURITY] }, message.raw),
  ).toMatch(/^250 /);
  const row = await t.container.db
    .selectFrom('inbound_mail')
    .innerJoin('reports', 'reports.id', 'inbound_mail.report_id')
    .select('reports.key')
    .where('inbound_mail.message_id', '=', id)
    .executeTakeFirstOrThrow();
  return row.key;
}

describe('the key given with the report form', () => {
  it('is kept for the reporter, and the news mailed to them is encrypted to it', async () => {
    const bob = await generateTestKey('bob@reporter.test');
    const stranger = await generateTestKey('stranger@reporter.test');
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/reports',
      payload: {
        summary: 'Session fixation on /login',
        description: 'The session id survives the login.',
        contact: { email: 'bob@reporter.test', pgpKey: bob.armoredPublic },
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(await keptFingerprint('bob@reporter.test')).toBe(bob.fingerprint);

    await writeToReporter(res.json().key, 'Thanks, confirmed.');
    const [mail, ...rest] = await deliveredToAddress('bob@reporter.test');
    expect(rest).toEqual([]);
    const plain = await openWith(mail!, bob);
    expect(plain).toContain('Thanks, confirmed.');
    await expect(openWith(mail!, stranger)).rejects.toThrow();
  });

  it('a key that does not name the address, or a second key for it, is not kept', async () => {
    const other = await generateTestKey('someone@else.test');
    const submit = (email: string, pgpKey: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/reports',
        payload: { summary: 'Another', description: 'x', contact: { email, pgpKey } },
      });
    expect((await submit('frank@reporter.test', other.armoredPublic)).statusCode).toBe(201);
    expect(await keptFingerprint('frank@reporter.test')).toBeNull();
    const bobAgain = await generateTestKey('bob@reporter.test');
    const before = await keptFingerprint('bob@reporter.test');
    expect((await submit('bob@reporter.test', bobAgain.armoredPublic)).statusCode).toBe(201);
    expect(await keptFingerprint('bob@reporter.test')).toBe(before);
  });
});

describe('an Autocrypt header', () => {
  let carol: TestKey;
  let carolNew: TestKey;

  beforeAll(async () => {
    carol = await generateTestKey('carol@reporter.test');
    carolNew = await generateTestKey('carol@reporter.test');
  });

  it('on a report keeps the sender key, and the receipt goes encrypted to it', async () => {
    await mailWithAutocrypt('carol@reporter.test', carol, 'ac-1@reporter.test');
    expect(await keptFingerprint('carol@reporter.test')).toBe(carol.fingerprint);
    const [receipt] = await deliveredToAddress('carol@reporter.test');
    const plain = await openWith(receipt!, carol);
    expect(plain).toContain('access code: ');
    const events = await t.container.db
      .selectFrom('events')
      .select('data_json')
      .where('type', '=', 'mail.sender_key')
      .execute();
    expect(events.map((e) => JSON.parse(e.data_json))).toContainEqual({
      source: 'autocrypt',
      fingerprint: carol.fingerprint,
      decision: 'keep',
      replacedFingerprint: null,
    });
  });

  it('with a new key from a sender DMARC proves replaces the kept key; staff replies go to the new one', async () => {
    const key = await mailWithAutocrypt('carol@reporter.test', carolNew, 'ac-2@reporter.test');
    expect(await keptFingerprint('carol@reporter.test')).toBe(carolNew.fingerprint);
    await deliveredToAddress('carol@reporter.test'); // its receipt
    await writeToReporter(key, 'Which build did you use?');
    const [reply] = await deliveredToAddress('carol@reporter.test');
    expect(await openWith(reply!, carolNew)).toContain('Which build did you use?');
    await expect(openWith(reply!, carol)).rejects.toThrow();
  });

  it('from a domain without DMARC keeps a first key but never replaces it', async () => {
    const first = await generateTestKey('erin@nodmarc.test');
    const second = await generateTestKey('erin@nodmarc.test');
    await mailWithAutocrypt('erin@nodmarc.test', first, 'ac-3@nodmarc.test');
    await mailWithAutocrypt('erin@nodmarc.test', second, 'ac-4@nodmarc.test');
    expect(await keptFingerprint('erin@nodmarc.test')).toBe(first.fingerprint);
  });

  it('from a sender shown forged (SPF and DMARC fail) is never kept', async () => {
    const mallory = await generateTestKey('dan@spoof.test');
    await mailWithAutocrypt('dan@spoof.test', mallory, 'ac-5@spoof.test');
    expect(await keptFingerprint('dan@spoof.test')).toBeNull();
  });

  it('whose addr is not the From address is passed over', async () => {
    const key = await generateTestKey('gina@reporter.test');
    const message = await buildMessage({
      from: 'gina@reporter.test',
      to: SECURITY,
      subject: 'x',
      text: 'y',
      headers: { Autocrypt: autocrypt('bob@reporter.test', key) },
    });
    expect(
      await sendRaw(
        t.container.workers.smtpIn!.port!,
        { from: 'gina@reporter.test', to: [SECURITY] },
        message.raw,
      ),
    ).toMatch(/^250 /);
    expect(await keptFingerprint('gina@reporter.test')).toBeNull();
  });
});
