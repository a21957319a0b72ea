// What someone holding the database's keys might do to the record, and the CLI run in-process to
// catch it: the anchor and global-sequence tests tamper the same ways.
import { sql } from 'kysely';
import type { Db } from '../../src/server/db/schema.ts';
import { main } from '../../src/server/main.ts';
import type { TestApp } from './test-app.ts';

/** Runs `stopline ARGS` in this process against the test app's database; its exit code and lines. */
export async function runStopline(t: TestApp, args: string[], env: Record<string, string> = {}) {
  const lines = { info: [] as string[], error: [] as string[] };
  const code = await main(
    args,
    { ...t.database.env, ...env },
    {
      info: (line) => lines.info.push(line),
      error: (line) => lines.error.push(line),
    },
  );
  return { code, stdout: lines.info.join('\n'), stderr: lines.error.join('\n') };
}

/** Deletes a whole stream with its head, so no chain that is left shows it. */
export async function deleteStreamWhole(db: Db, streamId: string) {
  await sql`delete from events where stream_id = ${streamId}`.execute(db);
  await sql`delete from streams where id = ${streamId}`.execute(db);
}

/**
 * Cuts the last `count` audit entries and moves the audit head back to the one kept, so the audit
 * chain that is left still verifies. Returns the head's number before the cut and the first cut.
 */
export async function cutAuditTail(db: Db, count: number) {
  const head = await db
    .selectFrom('audit_head')
    .select('seq')
    .where('id', '=', 1)
    .executeTakeFirstOrThrow();
  const keep = Number(head.seq) - count;
  const kept = await db
    .selectFrom('audit_log')
    .select('hash')
    .where('seq', '=', keep)
    .executeTakeFirstOrThrow();
  const firstCut = await db
    .selectFrom('audit_log')
    .select('id')
    .where('seq', '=', keep + 1)
    .executeTakeFirstOrThrow();
  await sql`delete from audit_log where seq > ${keep}`.execute(db);
  await sql`update audit_head set seq = ${keep}, head_hash = ${kept.hash} where id = 1`.execute(db);
  return { headSeq: Number(head.seq), firstCutId: String(firstCut.id) };
}
