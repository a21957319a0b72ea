// Scheduled maintenance on the public status page: each maintenance (a stream of its own) with its
// window, the components it takes down, whether its reminder went out, and every update published
// on it (the automatic moves at the window's edges included). Projections of the maintenance
// streams; the event log keeps every published text.
import type { Kysely } from 'kysely';
import { columnTypes, type MigrationDialect } from './column-types.ts';
import { dropTables } from './schema-undo.ts';

export async function up(db: Kysely<unknown>, dialect: MigrationDialect): Promise<void> {
  const t = columnTypes(dialect);
  await db.schema
    .createTable('status_maintenances')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('name', t.text, (c) => c.notNull())
    .addColumn('status', t.text, (c) => c.notNull())
    .addColumn('scheduled_for', t.time, (c) => c.notNull())
    .addColumn('scheduled_until', t.time, (c) => c.notNull())
    .addColumn('component_ids_json', t.text, (c) => c.notNull())
    .addColumn('notice_before_ms', t.time)
    .addColumn('reminded_at', t.time)
    .addColumn('started_at', t.time)
    .addColumn('completed_at', t.time)
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .addColumn('version', t.int, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('status_maintenances_status')
    .on('status_maintenances')
    .column('status')
    .execute();
  await db.schema
    .createTable('status_maintenance_updates')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('maintenance_id', t.id, (c) => c.notNull().references('status_maintenances.id'))
    .addColumn('seq', t.int, (c) => c.notNull())
    .addColumn('status', t.text, (c) => c.notNull())
    .addColumn('body', t.text, (c) => c.notNull())
    .addColumn('display_at', t.time, (c) => c.notNull())
    .addColumn('automatic', t.int, (c) => c.notNull())
    .addColumn('created_by', t.id)
    .addColumn('created_at', t.time, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('status_maintenance_updates_maintenance')
    .on('status_maintenance_updates')
    .column('maintenance_id')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await dropTables(db, ['status_maintenance_updates', 'status_maintenances']);
}
