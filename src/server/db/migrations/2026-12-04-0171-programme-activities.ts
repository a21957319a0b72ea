// The learning programme's records (issue 14, item 7; Kai section 10): process reviews, staff
// training and external tests, each with its date, who took part, a summary and a link to the
// evidence. A projection of their streams (exercises are incidents declared as exercises).
import type { Kysely } from 'kysely';
import { columnTypes, type MigrationDialect } from './column-types.ts';
import { dropTables } from './schema-undo.ts';

export async function up(db: Kysely<unknown>, dialect: MigrationDialect): Promise<void> {
  const t = columnTypes(dialect);
  await db.schema
    .createTable('programme_activities')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('kind', t.text, (c) => c.notNull())
    .addColumn('held_at', t.time, (c) => c.notNull())
    .addColumn('participants', t.text, (c) => c.notNull())
    .addColumn('summary', t.text, (c) => c.notNull())
    .addColumn('evidence_url', t.text, (c) => c.notNull())
    .addColumn('recorded_by', t.id)
    .addColumn('recorded_at', t.time, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('programme_activities_held')
    .on('programme_activities')
    .columns(['held_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await dropTables(db, ['programme_activities']);
}
