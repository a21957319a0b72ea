// A post-mortem follow-up handed to a development tracker (issue 18, item 5): which connection and
// issue key, and the state the tracker last reported. A projection of the post-mortem streams.
import type { Kysely } from 'kysely';
import { columnTypes, type MigrationDialect } from './column-types.ts';
import { dropColumns } from './schema-undo.ts';

const COLUMNS = ['tracker_connection', 'tracker_key', 'tracker_state'] as const;

export async function up(db: Kysely<unknown>, dialect: MigrationDialect): Promise<void> {
  const t = columnTypes(dialect);
  for (const column of COLUMNS) {
    await db.schema.alterTable('postmortem_follow_ups').addColumn(column, t.text).execute();
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await dropColumns(db, 'postmortem_follow_ups', [...COLUMNS]);
}
