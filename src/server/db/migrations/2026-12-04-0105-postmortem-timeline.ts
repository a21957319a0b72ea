// A post-mortem's reading of the incident's record (issue 14, item 3): the record's events marked
// important or annotated, and the entries written into the timeline by hand. A projection of the
// post-mortem streams; lists are JSON text, read whole with the row.
import type { Kysely } from 'kysely';
import { columnTypes, type MigrationDialect } from './column-types.ts';
import { dropColumns } from './schema-undo.ts';

export async function up(db: Kysely<unknown>, dialect: MigrationDialect): Promise<void> {
  const t = columnTypes(dialect);
  const table = () => db.schema.alterTable('postmortems');
  await table()
    .addColumn('timeline_marks', t.text, (c) => c.notNull().defaultTo('[]'))
    .execute();
  await table()
    .addColumn('timeline_entries', t.text, (c) => c.notNull().defaultTo('[]'))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await dropColumns(db, 'postmortems', ['timeline_marks', 'timeline_entries']);
}
