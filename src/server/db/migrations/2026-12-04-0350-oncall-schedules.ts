// On-call schedules (issue 21, item 2): a rotation (ordered members, the shifts of its pattern, a
// time zone) and the overrides where someone else covers a range. A projection of the schedules'
// streams; who is on call is computed from it, never stored.
import type { Kysely } from 'kysely';
import { columnTypes, type MigrationDialect } from './column-types.ts';
import { dropTables } from './schema-undo.ts';

export async function up(db: Kysely<unknown>, dialect: MigrationDialect): Promise<void> {
  const t = columnTypes(dialect);
  await db.schema
    .createTable('oncall_schedules')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('name', t.text, (c) => c.notNull())
    .addColumn('name_key', t.text, (c) => c.notNull().unique())
    .addColumn('rotation_json', t.text, (c) => c.notNull())
    .addColumn('overrides_json', t.text, (c) => c.notNull())
    .addColumn('version', t.int, (c) => c.notNull())
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await dropTables(db, ['oncall_schedules']);
}
