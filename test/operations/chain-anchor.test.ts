// Anchoring the record: a stream deleted whole or an audit trail cut short with its head moved back
// shows in plain `stopline verify` as a gap in the global sequence; against an anchor taken before (`stopline anchor FILE`,
// signed with the server key) `stopline verify --anchor FILE` names both, and an edited anchor.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../src/server/domain/actor.ts';
import { startHttpReceiver, type HttpReceiver } from '../helpers/delivery.ts';
import { submitReport } from '../helpers/reports.ts';
import { cutAuditTail, deleteStreamWhole, runStopline } from '../helpers/tamper.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
const dir = mkdtempSync(join(tmpdir(), 'stopline-anchor-'));

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const run = (args: string[], env: Record<string, string> = {}) => runStopline(t, args, env);

async function addUser(n: number) {
  await t.container.services.accounts.users.createUser(systemActor, {
    email: `person${n}@example.org`,
    displayName: `Person ${n}`,
    roles: ['viewer'],
  });
}

// First: the tests after it tamper with the shared database.
describe('stopline anchor posts to a webhook (STOPLINE_ANCHOR_WEBHOOK_URL)', () => {
  const secret = 'whsec_' + Buffer.from('anchor-receiver-secret-32-bytes!').toString('base64');
  let receiver: HttpReceiver;
  beforeAll(async () => {
    receiver = await startHttpReceiver();
  });
  afterAll(async () => receiver.stop());

  it('posts the anchor signed as a Standard Webhook; the posted anchor verifies the database', async () => {
    await submitReport(t, 'Report before the posted anchor');
    const anchorFile = join(dir, 'posted.json');
    const env = {
      STOPLINE_ANCHOR_WEBHOOK_URL: receiver.url,
      STOPLINE_ANCHOR_WEBHOOK_SECRET: secret,
    };
    const made = await run(['anchor', anchorFile], env);
    expect(made.stderr).toBe('');
    expect(made.code).toBe(0);
    expect(made.stdout).toMatch(
      /anchor posted to STOPLINE_ANCHOR_WEBHOOK_URL as webhook anchor_[0-9a-f]{32}/,
    );
    expect(receiver.requests).toHaveLength(1);
    const [request] = receiver.requests;
    // The receiver checks the signature with the standardwebhooks package.
    const payload = new Webhook(secret).verify(request!.body, {
      'webhook-id': String(request!.headers['webhook-id']),
      'webhook-timestamp': String(request!.headers['webhook-timestamp']),
      'webhook-signature': String(request!.headers['webhook-signature']),
    }) as { type: string; timestamp: string; data: unknown };
    expect(payload.type).toBe('stopline.anchor');
    const inFile = JSON.parse(readFileSync(anchorFile, 'utf8'));
    expect(payload.data).toEqual(inFile);
    expect(payload.timestamp).toBe(inFile.createdAt);
    // A signature made with another secret is refused by the receiver's check.
    const other = 'whsec_' + Buffer.from('another-secret-of-thirty-two-by!').toString('base64');
    expect(() =>
      new Webhook(other).verify(request!.body, {
        'webhook-id': String(request!.headers['webhook-id']),
        'webhook-timestamp': String(request!.headers['webhook-timestamp']),
        'webhook-signature': String(request!.headers['webhook-signature']),
      }),
    ).toThrow();

    // What the receiver keeps is an anchor `verify --anchor` accepts.
    const kept = join(dir, 'kept-by-receiver.json');
    writeFileSync(kept, JSON.stringify(payload.data));
    const verified = await run(['verify', '--anchor', kept]);
    expect(verified.code).toBe(0);

    // Without a file, stdout is the anchor alone (for a pipe); the confirmation goes to stderr.
    const piped = await run(['anchor'], env);
    expect(piped.code).toBe(0);
    expect(JSON.parse(piped.stdout).format).toBe('stopline-anchor');
    expect(piped.stderr).toMatch(/anchor posted to STOPLINE_ANCHOR_WEBHOOK_URL/);
    expect(receiver.requests).toHaveLength(2);
  });

  it('a receiver that fails: exit 1 naming the setting, never the URL; the file is still written', async () => {
    receiver.answers.push(500);
    const anchorFile = join(dir, 'not-posted.json');
    const withCredentials =
      receiver.url.replace('http://', 'http://anchor:hunter2@') + '?token=s3cr3t';
    const failed = await run(['anchor', anchorFile], {
      STOPLINE_ANCHOR_WEBHOOK_URL: withCredentials,
      STOPLINE_ANCHOR_WEBHOOK_SECRET: secret,
    });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(
      /not posted to STOPLINE_ANCHOR_WEBHOOK_URL \(.*500.*\); the anchor is in /,
    );
    expect(failed.stdout + failed.stderr).not.toMatch(/hunter2|s3cr3t|127\.0\.0\.1/);
    expect(parseAnchorFile(anchorFile).format).toBe('stopline-anchor');
  });

  it('a URL without a secret, or a secret that is not one, is a configuration error', async () => {
    const noSecret = await run(['anchor'], { STOPLINE_ANCHOR_WEBHOOK_URL: receiver.url });
    expect(noSecret.code).toBe(2);
    expect(noSecret.stderr).toContain('STOPLINE_ANCHOR_WEBHOOK_SECRET');
    const bad = await run(['anchor'], {
      STOPLINE_ANCHOR_WEBHOOK_URL: receiver.url,
      STOPLINE_ANCHOR_WEBHOOK_SECRET: 'not-a-whsec-hunter2',
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('STOPLINE_ANCHOR_WEBHOOK_SECRET');
    expect(bad.stderr).not.toContain('hunter2');
  });
});

describe('stopline anchor and verify --anchor', () => {
  it('a database that only grew since the anchor passes', async () => {
    await submitReport(t, 'First report');
    await submitReport(t, 'Second report');
    for (let n = 0; n < 3; n++) await addUser(n);
    const anchorFile = join(dir, 'anchor.json');
    const made = await run(['anchor', anchorFile]);
    expect(made.code).toBe(0);
    expect(made.stdout).toMatch(
      /anchor written to .*: \d+ stream heads and the audit trail at #\d+/,
    );
    expect(JSON.parse(readFileSync(anchorFile, 'utf8')).signature).toMatch(/^[0-9a-f]{64}$/);
    expect((await run(['anchor', anchorFile])).stderr).toContain('exists; name a new file');

    // The record grows: new streams, a stream extended, more audit entries.
    await submitReport(t, 'Third report');
    await addUser(3);
    const ok = await run(['verify', '--anchor', anchorFile]);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(
      /anchor of .* OK: its \d+ stream heads and the audit trail at #\d+ are all here/,
    );
  });

  it('a stream deleted whole and an audit trail cut short fail plain verify (the global sequence) and the anchor', async () => {
    const anchorFile = join(dir, 'before-tampering.json');
    expect((await run(['anchor', anchorFile])).code).toBe(0);
    const victim = await t.container.db
      .selectFrom('streams')
      .select(['id', 'version'])
      .orderBy('id')
      .executeTakeFirstOrThrow();
    const { db } = t.container;
    // Someone with the database's keys removes a whole record and the last two audit entries,
    // moving the heads back so every chain that is left still verifies.
    await deleteStreamWhole(db, victim.id);
    const { headSeq } = await cutAuditTail(db, 2);

    const plain = await run(['verify']);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toContain('BROKEN: global sequence');

    const anchored = await run(['verify', '--anchor', anchorFile]);
    expect(anchored.code).toBe(1);
    expect(anchored.stderr).toContain(
      `stream ${victim.id} is missing: it had ${victim.version} event(s) at the anchor (deleted whole)`,
    );
    expect(anchored.stderr).toContain(
      `audit trail entry #${headSeq}, its last at the anchor, is missing (cut short)`,
    );
  });

  it('an edited anchor, or a file that is not one, is refused', async () => {
    const anchorFile = join(dir, 'edited.json');
    expect((await run(['anchor', anchorFile])).code).toBe(0);
    const anchor = JSON.parse(readFileSync(anchorFile, 'utf8'));
    anchor.audit.seq -= 1;
    writeFileSync(anchorFile, JSON.stringify(anchor));
    const edited = await run(['verify', '--anchor', anchorFile]);
    expect(edited.code).toBe(1);
    expect(edited.stderr).toContain('does not match its signature');

    const junk = join(dir, 'junk.json');
    writeFileSync(junk, '{"hello": 1}');
    const notAnchor = await run(['verify', '--anchor', junk]);
    expect(notAnchor.code).toBe(2);
    expect(notAnchor.stderr).toContain('is not a Stopline anchor');
  });
});

function parseAnchorFile(file: string): { format: string } {
  return JSON.parse(readFileSync(file, 'utf8'));
}
