// security@ with OpenPGP: the team key is published (WKD, /pgp-key.asc, security.txt) with its
// private half sealed at rest; a reporter who fetched it sends PGP/MIME, inline PGP or signed mail
// by real SMTP; Stopline decrypts, verifies and records the verdict, keeps the reporter's key, and
// what it sends them afterwards arrives encrypted to that key and opens with it. Keys are made here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { wkdHash } from '../../src/server/domain/mail/index.ts';
import { startSmtpReceiver, type SmtpReceiver } from '../helpers/delivery.ts';
import {
  buildMessage,
  outboxTo,
  sendRaw,
  staffReport,
  TestDns,
  lastInbound as lastInboundOf,
} from '../helpers/mail.ts';
import {
  armoredFor,
  decryptWith,
  generateTestKey,
  innerEntity,
  pgpMimeMessage,
  pgpSignedMessage,
  type TestKey,
} from '../helpers/pgp.ts';
import { createTestApp, storedFile, type TestApp } from '../helpers/test-app.ts';
import { main } from '../../src/server/main.ts';

const SECURITY = 'security@stopline.test';
let t: TestApp;
let port: number;
let receiver: SmtpReceiver;
let teamKey: openpgp.Key;
let alice: TestKey;

beforeAll(async () => {
  t = await createTestApp({
    env: {
      STOPLINE_BASE_URL: 'https://stopline.test',
      STOPLINE_SECURITY_EMAIL: SECURITY,
      STOPLINE_SMTP_IN_PORT: '0',
    },
    overrides: { dnsResolver: new TestDns().resolve },
  });
  await t.container.workers.listen();
  port = t.container.workers.smtpIn!.port!;
  receiver = await startSmtpReceiver();
  alice = await generateTestKey('alice@reporter.test');
});
afterAll(async () => {
  await receiver.stop();
  await t.close();
});

const lastInbound = () => lastInboundOf(t);

async function reportOf(reportId: string) {
  const { key } = await t.container.db
    .selectFrom('reports')
    .select('key')
    .where('id', '=', reportId)
    .executeTakeFirstOrThrow();
  return staffReport(t, key);
}

const send = async (from: string, raw: Buffer | string) => {
  expect(await sendRaw(port, { from, to: [SECURITY] }, raw)).toMatch(/^250 /);
  return lastInbound();
};

describe("the team's key", () => {
  it('is published by WKD (direct and advanced, with policy files), at /pgp-key.asc and in security.txt, and its private half is stored sealed', async () => {
    // The WKD hash of the draft's own example.
    expect(wkdHash('Joe.Doe@Example.ORG')).toBe('iy9q119eutrkn8s1mk4r39qejnbu3n5q');

    const hash = wkdHash(SECURITY);
    const direct = await t.app.inject({ url: `/.well-known/openpgpkey/hu/${hash}?l=security` });
    expect(direct.statusCode).toBe(200);
    expect(direct.headers['content-type']).toBe('application/octet-stream');
    expect(direct.headers['access-control-allow-origin']).toBe('*');
    teamKey = await openpgp.readKey({ binaryKey: new Uint8Array(direct.rawPayload) });
    expect(teamKey.isPrivate()).toBe(false);
    expect(teamKey.getUserIDs().join()).toContain(SECURITY);
    await expect(teamKey.getEncryptionKey()).resolves.toBeDefined();

    const advanced = await t.app.inject({
      url: `/.well-known/openpgpkey/stopline.test/hu/${hash}`,
    });
    expect(advanced.rawPayload).toEqual(direct.rawPayload);
    for (const url of [
      '/.well-known/openpgpkey/policy',
      '/.well-known/openpgpkey/stopline.test/policy',
    ])
      expect((await t.app.inject({ url })).statusCode).toBe(200);
    // No key for any other name or domain.
    expect(
      (await t.app.inject({ url: `/.well-known/openpgpkey/hu/${wkdHash('ceo@stopline.test')}` }))
        .statusCode,
    ).toBe(404);
    expect(
      (await t.app.inject({ url: `/.well-known/openpgpkey/evil.test/hu/${hash}` })).statusCode,
    ).toBe(404);
    expect(
      (await t.app.inject({ url: '/.well-known/openpgpkey/evil.test/policy' })).statusCode,
    ).toBe(404);

    const armored = await t.app.inject({ url: '/pgp-key.asc' });
    expect(armored.statusCode).toBe(200);
    expect((await openpgp.readKey({ armoredKey: armored.body })).getFingerprint()).toBe(
      teamKey.getFingerprint(),
    );
    const txt = await t.app.inject({ url: '/.well-known/security.txt' });
    expect(txt.body).toContain('Encryption: https://stopline.test/pgp-key.asc\n');
    expect(txt.body).toContain(`Contact: mailto:${SECURITY}\n`);

    const [row] = await t.container.db.selectFrom('mail_team_keys').selectAll().execute();
    expect(row!.fingerprint).toBe(teamKey.getFingerprint());
    expect(row!.private_key_sealed).toMatch(/^v1\./);
    expect(row!.private_key_sealed).not.toContain('PRIVATE KEY');
  });
});

describe('encrypted and signed reports', () => {
  it('a PGP/MIME report, signed inside and bringing its key, is decrypted into a report with its attachment; the verdict, fingerprint and key are kept; the stored message is the ciphertext', async () => {
    const inner = await innerEntity({
      subject: 'RCE in the image resizer',
      text: 'Upload a crafted SVG and the resizer runs ImageMagick delegates.',
      attachments: [
        { filename: 'poc.svg', contentType: 'image/svg+xml', content: '<svg><script/></svg>' },
        {
          filename: 'alice.asc',
          contentType: 'application/pgp-keys',
          content: alice.armoredPublic,
        },
      ],
    });
    const raw = await pgpMimeMessage(
      {
        From: 'Alice <alice@reporter.test>',
        To: SECURITY,
        Subject: '...',
        'Message-ID': '<encrypted-1@reporter.test>',
      },
      inner,
      teamKey,
      alice.privateKey,
    );
    const row = await send('alice@reporter.test', raw);
    expect(row.status).toBe('report');
    expect(await storedFile(t, row.raw_path)).toEqual(raw);
    expect(raw.toString()).not.toContain('ImageMagick');
    expect(JSON.parse(row.pgp_json!)).toEqual({
      encrypted: 'pgp-mime',
      decrypted: true,
      problem: null,
      signature: {
        result: 'valid',
        fingerprint: alice.fingerprint,
        keyId: expect.any(String),
        keyFrom: 'message',
      },
    });
    const report = await reportOf(row.report_id!);
    expect(report.summary).toBe('RCE in the image resizer');
    expect(report.description).toContain('ImageMagick delegates');
    expect(report.description).toContain(`OpenPGP signature valid, key ${alice.fingerprint}`);
    const files = await t.container.db
      .selectFrom('report_attachments')
      .select('original_name')
      .where('report_id', '=', row.report_id!)
      .execute();
    expect(files.map((f) => f.original_name)).toContain('poc.svg');
    const kept = await t.container.db.selectFrom('mail_sender_keys').selectAll().execute();
    expect(kept).toMatchObject([
      { address: 'alice@reporter.test', fingerprint: alice.fingerprint },
    ]);
  });

  it("the receipt to that reporter arrives as PGP/MIME encrypted to their key, opens with it, and shows only the report's tag outside", async () => {
    const worker = outboxTo(t, receiver.port, SECURITY);
    await worker.deliverDue(t.clock.now());
    await receiver.waitFor(1);
    const mail = receiver.received.at(-1)!;
    expect(mail.to).toMatchObject({ value: [{ address: 'alice@reporter.test' }] });
    expect(mail.headers.get('content-type')).toMatchObject({
      value: 'multipart/encrypted',
      params: { protocol: 'application/pgp-encrypted' },
    });
    expect(mail.subject).toBe('[RPT-0001] Encrypted message');
    expect(mail.headers.get('auto-submitted')).toBe('auto-generated');
    expect(mail.inReplyTo).toBe('<encrypted-1@reporter.test>');
    expect(mail.text ?? '').not.toContain('RPT-0001 ');
    const ciphertext = mail.attachments.find((a) => a.contentType === 'application/octet-stream')!;
    const plain = await decryptWith(ciphertext.content.toString(), alice.privateKey);
    expect(plain).toContain('Subject: [RPT-0001] Received: RCE in the image resizer');
    expect(plain).toContain('recorded as RPT-0001');
    // A stranger's key does not open it.
    const stranger = await generateTestKey('mallory@evil.test');
    await expect(decryptWith(ciphertext.content.toString(), stranger.privateKey)).rejects.toThrow();
  });

  it('an inline-armoured body is decrypted; a later signed message from the same sender is verified against the kept key', async () => {
    const inline = await buildMessage({
      from: 'alice@reporter.test',
      to: SECURITY,
      subject: 'Second finding',
      text: `Hello,\n\n${await armoredFor('The admin export leaks password hashes.', teamKey)}\n`,
      messageId: '<inline-1@reporter.test>',
    });
    const row = await send('alice@reporter.test', inline.raw);
    expect(JSON.parse(row.pgp_json!)).toMatchObject({ encrypted: 'inline', decrypted: true });
    const report = await reportOf(row.report_id!);
    expect(report.description).toContain('The admin export leaks password hashes.');
    expect(report.description).not.toContain('BEGIN PGP MESSAGE');

    const signed = await pgpSignedMessage(
      {
        From: 'alice@reporter.test',
        To: SECURITY,
        Subject: 'Signed, not encrypted',
        'Message-ID': '<signed-1@reporter.test>',
      },
      'The fix for RPT-0001 is incomplete.',
      alice.privateKey,
    );
    const signedRow = await send('alice@reporter.test', signed);
    expect(JSON.parse(signedRow.pgp_json!)).toMatchObject({
      encrypted: null,
      signature: { result: 'valid', fingerprint: alice.fingerprint, keyFrom: 'kept' },
    });
    expect((await reportOf(signedRow.report_id!)).description).toContain(
      'The fix for RPT-0001 is incomplete.',
    );
  });

  it('a signed message changed on the way is BAD; one signed by a key nobody sent is an unknown key; neither key is kept', async () => {
    const tampered = await pgpSignedMessage(
      { From: 'alice@reporter.test', To: SECURITY, Subject: 'Changed', 'Message-ID': '<t@r.test>' },
      'Pay 10 EUR bounty.',
      alice.privateKey,
      (part) => part.replace('10 EUR', '10000 EUR'),
    );
    const bad = await send('alice@reporter.test', tampered);
    expect(JSON.parse(bad.pgp_json!).signature).toMatchObject({
      result: 'bad',
      fingerprint: alice.fingerprint,
    });
    expect((await reportOf(bad.report_id!)).description).toContain('OpenPGP signature BAD');

    const bob = await generateTestKey('bob@reporter.test');
    const unknown = await pgpSignedMessage(
      { From: 'bob@reporter.test', To: SECURITY, Subject: 'Hi', 'Message-ID': '<u@r.test>' },
      'Signed by a key you do not have.',
      bob.privateKey,
    );
    const row = await send('bob@reporter.test', unknown);
    expect(JSON.parse(row.pgp_json!).signature).toMatchObject({
      result: 'unknown-key',
      fingerprint: null,
    });
    const kept = await t.container.db.selectFrom('mail_sender_keys').select('address').execute();
    expect(kept.map((k) => k.address)).toEqual(['alice@reporter.test']);
  });

  it('a message encrypted to another key is kept as received and its report is flagged, never lost', async () => {
    const other = await generateTestKey('someone@else.test');
    const raw = await pgpMimeMessage(
      {
        From: 'carol@reporter.test',
        To: SECURITY,
        Subject: 'Encrypted to the old key',
        'Message-ID': '<wrong-key@reporter.test>',
      },
      await innerEntity({
        text: 'secret',
        attachments: [
          { filename: 'k.asc', contentType: 'application/pgp-keys', content: other.armoredPublic },
        ],
      }),
      other.publicKey,
    );
    const row = await send('carol@reporter.test', raw);
    expect(row.status).toBe('report');
    expect(JSON.parse(row.pgp_json!)).toMatchObject({
      encrypted: 'pgp-mime',
      decrypted: false,
      problem: expect.stringMatching(/could not be decrypted/),
    });
    expect(await storedFile(t, row.raw_path)).toEqual(raw);
    const report = await reportOf(row.report_id!);
    expect(report.summary).toBe('Encrypted to the old key');
    expect(report.description).toContain('ENCRYPTED AND NOT DECRYPTED');
    const kept = await t.container.db.selectFrom('mail_sender_keys').select('address').execute();
    expect(kept.map((k) => k.address)).not.toContain('carol@reporter.test');
  });

  it('an encrypted attachment (report.txt.pgp) is replaced by its plaintext', async () => {
    const ciphertext = await armoredFor('Steps: 1. log in 2. change the id.', teamKey);
    const message = await buildMessage({
      from: 'dave@reporter.test',
      to: SECURITY,
      subject: 'IDOR',
      text: 'Details attached, encrypted.',
      messageId: '<attachment-1@reporter.test>',
      attachments: [{ filename: 'report.txt.pgp', content: ciphertext }],
    });
    const row = await send('dave@reporter.test', message.raw);
    expect(JSON.parse(row.pgp_json!)).toMatchObject({ encrypted: 'attachment', decrypted: true });
    const file = await t.container.db
      .selectFrom('report_attachments')
      .selectAll()
      .where('report_id', '=', row.report_id!)
      .executeTakeFirstOrThrow();
    expect(file.original_name).toBe('report.txt');
    expect(file.size).toBe('Steps: 1. log in 2. change the id.'.length);
  });
});

describe('stopline mail-key', () => {
  const run = async (...args: string[]) => {
    const lines: string[] = [];
    const code = await main(args, t.database.env, {
      info: (l) => lines.push(l),
      error: (l) => lines.push(l),
    });
    return { code, text: lines.join('\n') };
  };

  it("imports the team's own key (locked, opened with the passphrase file) and publishes it; the generated key still decrypts what was sent to it; a key for another address is refused", async () => {
    const shown = await run('mail-key', 'show');
    expect(shown).toEqual({ code: 0, text: `${SECURITY}: ${teamKey.getFingerprint()}` });

    const dir = mkdtempSync(join(tmpdir(), 'mail-key-'));
    const own = await openpgp.generateKey({
      userIDs: [{ name: 'Security', email: SECURITY }],
      passphrase: 'correct horse',
      format: 'armored',
    });
    writeFileSync(join(dir, 'team.asc'), own.privateKey);
    writeFileSync(join(dir, 'pass'), 'correct horse\n');
    writeFileSync(join(dir, 'wrong'), 'wrong\n');
    const ownFingerprint = (await openpgp.readKey({ armoredKey: own.publicKey })).getFingerprint();

    const wrong = await run(
      'mail-key',
      'import',
      join(dir, 'team.asc'),
      '--passphrase-file',
      join(dir, 'wrong'),
    );
    expect(wrong.code).toBe(1);
    expect(wrong.text).toMatch(/not a usable OpenPGP private key/);

    const other = await openpgp.generateKey({
      userIDs: [{ email: 'ceo@stopline.test' }],
      format: 'armored',
    });
    writeFileSync(join(dir, 'other.asc'), other.privateKey);
    const refused = await run('mail-key', 'import', join(dir, 'other.asc'));
    expect(refused.code).toBe(1);
    expect(refused.text).toContain(`do not name ${SECURITY}`);

    const imported = await run(
      'mail-key',
      'import',
      join(dir, 'team.asc'),
      '--passphrase-file',
      join(dir, 'pass'),
    );
    expect(imported.code, imported.text).toBe(0);
    expect(imported.text).toContain(ownFingerprint);
    const published = await t.app.inject({ url: '/pgp-key.asc' });
    expect((await openpgp.readKey({ armoredKey: published.body })).getFingerprint()).toBe(
      ownFingerprint,
    );
    const rows = await t.container.db
      .selectFrom('mail_team_keys')
      .select('private_key_sealed')
      .execute();
    expect(rows.every((r) => !r.private_key_sealed.includes('PRIVATE KEY'))).toBe(true);

    // Mail encrypted to the old (generated) key still opens.
    const late = await buildMessage({
      from: 'erin@reporter.test',
      to: SECURITY,
      subject: 'Late',
      text: await armoredFor('Written before the key changed.', teamKey),
      messageId: '<late@reporter.test>',
    });
    const row = await send('erin@reporter.test', late.raw);
    expect(JSON.parse(row.pgp_json!)).toMatchObject({ decrypted: true });
    expect((await reportOf(row.report_id!)).description).toContain(
      'Written before the key changed.',
    );
  });
});
