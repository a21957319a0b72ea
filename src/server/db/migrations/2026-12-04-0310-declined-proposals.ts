// Proposals of the record a post-mortem declined (issue 14, item 4): a breached deadline or a
// departure from the policy proposes a follow-up; declining it, with the reason, answers it as
// surely as taking it. A projection of the post-mortem streams; the list is JSON text.
import type { Kysely } from 'kysely';
import { columnTypes, type MigrationDialect } from './column-types.ts';
import { dropColumns } from './schema-undo.ts';

export async function up(db: Kysely<unknown>, dialect: MigrationDialect): Promise<void> {
  const t = columnTypes(dialect);
  await db.schema
    .alterTable('postmortems')
    .addColumn('declined_proposals', t.text, (c) => c.notNull().defaultTo('[]'))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await dropColumns(db, 'postmortems', ['declined_proposals']);
}
