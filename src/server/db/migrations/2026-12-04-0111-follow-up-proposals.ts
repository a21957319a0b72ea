// A follow-up taken from a proposal the record made (issue 14, item 4): a breached deadline or a
// deviation from the policy proposes one; the follow-up names the proposal it answers, so the
// proposal is no longer offered. A projection of the post-mortem streams.
import type { Kysely } from 'kysely';
import { columnTypes, type MigrationDialect } from './column-types.ts';
import { dropColumns } from './schema-undo.ts';

export async function up(db: Kysely<unknown>, dialect: MigrationDialect): Promise<void> {
  const t = columnTypes(dialect);
  await db.schema.alterTable('postmortem_follow_ups').addColumn('proposal_id', t.text).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await dropColumns(db, 'postmortem_follow_ups', ['proposal_id']);
}
