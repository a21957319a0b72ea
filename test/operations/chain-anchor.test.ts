// Anchoring the record: a stream deleted whole or an audit trail cut short with its head moved back
// shows in plain `stopline verify` as a gap in the global sequence; against an anchor taken before (`stopline anchor FILE`,
// signed with the server key) `stopline verify --anchor FILE` names both, and an edited anchor.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../src/server/domain/actor.ts';
import { main } from '../../src/server/main.ts';
import { submitReport } from '../helpers/reports.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
const dir = mkdtempSync(join(tmpdir(), 'stopline-anchor-'));

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

async function run(args: string[]) {
  const lines = { info: [] as string[], error: [] as string[] };
  const code = await main(args, t.database.env, {
    info: (line) => lines.info.push(line),
    error: (line) => lines.error.push(line),
  });
  return { code, stdout: lines.info.join('\n'), stderr: lines.error.join('\n') };
}

async function addUser(n: number) {
  await t.container.services.accounts.users.createUser(systemActor, {
    email: `person${n}@example.org`,
    displayName: `Person ${n}`,
    roles: ['viewer'],
  });
}

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
    await sql`delete from events where stream_id = ${victim.id}`.execute(db);
    await sql`delete from streams where id = ${victim.id}`.execute(db);
    const head = await db
      .selectFrom('audit_head')
      .select('seq')
      .where('id', '=', 1)
      .executeTakeFirstOrThrow();
    const keep = Number(head.seq) - 2;
    const last = await db
      .selectFrom('audit_log')
      .select('hash')
      .where('seq', '=', keep)
      .executeTakeFirstOrThrow();
    await sql`delete from audit_log where seq > ${keep}`.execute(db);
    await sql`update audit_head set seq = ${keep}, head_hash = ${last.hash} where id = 1`.execute(
      db,
    );

    const plain = await run(['verify']);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toContain('BROKEN: global sequence');

    const anchored = await run(['verify', '--anchor', anchorFile]);
    expect(anchored.code).toBe(1);
    expect(anchored.stderr).toContain(
      `stream ${victim.id} is missing: it had ${victim.version} event(s) at the anchor (deleted whole)`,
    );
    expect(anchored.stderr).toContain(
      `audit trail entry #${Number(head.seq)}, its last at the anchor, is missing (cut short)`,
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
