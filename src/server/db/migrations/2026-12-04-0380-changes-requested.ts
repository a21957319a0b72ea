// The last "request changes" of a post-mortem's review (issue 14, item 2): its reason, who asked
// and when, so the authors see what to change. A projection of the post-mortem streams (JSON
// text, read whole with the row); null until a reviewer sends one back.
import type { Kysely } from 'kysely';
import { columnTypes, type MigrationDialect } from './column-types.ts';
import { dropColumns } from './schema-undo.ts';

export async function up(db: Kysely<unknown>, dialect: MigrationDialect): Promise<void> {
  const t = columnTypes(dialect);
  await db.schema.alterTable('postmortems').addColumn('changes_requested', t.text).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await dropColumns(db, 'postmortems', ['changes_requested']);
}
