// The global sequence: every event and audit entry is numbered in one hash-chained sequence, so
// plain `stopline verify` (no anchor needed) fails, naming what is gone, when a whole stream is
// deleted with its head or the audit trail is cut short with its head moved back: the chains that
// are left still verify, but the sequence has numbers whose entries are missing.
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemActor } from '../../src/server/domain/actor.ts';
import { submitReport } from '../helpers/reports.ts';
import { cutAuditTail, deleteStreamWhole, runStopline } from '../helpers/tamper.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;

beforeEach(async () => {
  t = await createTestApp();
  await submitReport(t, 'First report');
  await submitReport(t, 'Second report');
  for (let n = 0; n < 3; n++)
    await t.container.services.accounts.users.createUser(systemActor, {
      email: `person${n}@example.org`,
      displayName: `Person ${n}`,
      roles: ['viewer'],
    });
});
afterEach(async () => t.close());

const verify = () => runStopline(t, ['verify']);

async function ledgerSeqOf(refId: string) {
  const row = await t.container.db
    .selectFrom('ledger')
    .select('seq')
    .where('ref_id', '=', refId)
    .executeTakeFirstOrThrow();
  return Number(row.seq);
}

describe('the global sequence over events and audit entries', () => {
  it('numbers every event and audit entry without a gap, and verify says so', async () => {
    const { db } = t.container;
    const events = await db.selectFrom('events').select('id').execute();
    const audit = await db.selectFrom('audit_log').select('id').execute();
    const numbers = (await db.selectFrom('ledger').select('seq').orderBy('seq').execute()).map(
      (r) => Number(r.seq),
    );
    expect(numbers).toEqual(numbers.map((_, i) => i + 1));
    expect(numbers.length).toBe(events.length + audit.length);

    const ok = await verify();
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(`global sequence OK: ${numbers.length} numbers without a gap`);
  });

  it('a stream deleted whole with its head fails verify, naming the stream', async () => {
    const { db } = t.container;
    const victim = await db
      .selectFrom('events')
      .select(['id', 'stream_id'])
      .orderBy('position')
      .executeTakeFirstOrThrow();
    await deleteStreamWhole(db, victim.stream_id);

    const broken = await verify();
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain(
      `BROKEN: global sequence, #${await ledgerSeqOf(victim.id)}: event ${victim.id} of stream ${victim.stream_id} is missing: a stream deleted whole or events removed`,
    );
    // Only the global sequence sees it: every chain left verifies.
    expect(broken.stderr.split('\n')).toHaveLength(1);
  });

  it('an audit trail cut short with its head moved back fails verify, naming the first entry gone', async () => {
    const { firstCutId } = await cutAuditTail(t.container.db, 2);

    const broken = await verify();
    expect(broken.code).toBe(1);
    expect(broken.stderr).toBe(
      `BROKEN: global sequence, #${await ledgerSeqOf(firstCutId)}: audit entry ${firstCutId} is missing: the audit trail cut short or entries removed`,
    );
  });

  it('numbers removed from the sequence itself, or its tail cut, are a gap too', async () => {
    const { db } = t.container;
    await sql`delete from ledger where seq = 2`.execute(db);
    const gap = await verify();
    expect(gap.code).toBe(1);
    expect(gap.stderr).toContain('BROKEN: global sequence, #2: number #2 is missing');
  });
});
