// An exercise's report (issue 14, item 7): its objectives each judged met or not with a note, and
// whether it is completed. A projection of the report's stream, one per exercise incident.
import type { Kysely } from 'kysely';
import { columnTypes, type MigrationDialect } from './column-types.ts';
import { dropTables } from './schema-undo.ts';

export async function up(db: Kysely<unknown>, dialect: MigrationDialect): Promise<void> {
  const t = columnTypes(dialect);
  await db.schema
    .createTable('exercise_reports')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('incident_id', t.id, (c) => c.notNull().unique())
    .addColumn('incident_key', t.text, (c) => c.notNull())
    .addColumn('status', t.text, (c) => c.notNull())
    .addColumn('objectives_json', t.text, (c) => c.notNull())
    .addColumn('summary', t.text, (c) => c.notNull())
    .addColumn('completed_by', t.id)
    .addColumn('completed_at', t.time)
    .addColumn('version', t.int, (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await dropTables(db, ['exercise_reports']);
}
