// The public status page: the components customers see, public incidents with the components
// they affect and every update published on them. Projections of the status streams (the
// component catalogue and one stream per public incident); the event log keeps every published
// text. A public incident's link to an internal incident is kept here for staff only.
import type { Kysely } from 'kysely';
import { columnTypes, type MigrationDialect } from './column-types.ts';
import { dropTables } from './schema-undo.ts';

export async function up(db: Kysely<unknown>, dialect: MigrationDialect): Promise<void> {
  const t = columnTypes(dialect);
  await db.schema
    .createTable('status_components')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('name', t.text, (c) => c.notNull())
    .addColumn('description', t.text)
    .addColumn('group_id', t.id)
    .addColumn('is_group', t.int, (c) => c.notNull())
    .addColumn('position', t.int, (c) => c.notNull())
    .addColumn('only_show_if_degraded', t.int, (c) => c.notNull())
    .addColumn('status', t.text, (c) => c.notNull())
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .addColumn('removed_at', t.time)
    .execute();

  await db.schema
    .createTable('status_incidents')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('name', t.text, (c) => c.notNull())
    .addColumn('impact', t.text, (c) => c.notNull())
    .addColumn('status', t.text, (c) => c.notNull())
    .addColumn('internal_incident_id', t.id)
    .addColumn('started_at', t.time, (c) => c.notNull())
    .addColumn('monitoring_at', t.time)
    .addColumn('resolved_at', t.time)
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .addColumn('version', t.int, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('status_incidents_status')
    .on('status_incidents')
    .column('status')
    .execute();

  await db.schema
    .createTable('status_incident_components')
    .addColumn('incident_id', t.id, (c) => c.notNull().references('status_incidents.id'))
    .addColumn('component_id', t.id, (c) => c.notNull())
    .addColumn('status', t.text, (c) => c.notNull())
    .addPrimaryKeyConstraint('status_incident_components_pk', ['incident_id', 'component_id'])
    .execute();

  await db.schema
    .createTable('status_incident_updates')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('incident_id', t.id, (c) => c.notNull().references('status_incidents.id'))
    .addColumn('seq', t.int, (c) => c.notNull())
    .addColumn('status', t.text, (c) => c.notNull())
    .addColumn('body', t.text, (c) => c.notNull())
    .addColumn('display_at', t.time, (c) => c.notNull())
    .addColumn('affected_components_json', t.text, (c) => c.notNull())
    .addColumn('created_by', t.id)
    .addColumn('created_at', t.time, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('status_incident_updates_incident')
    .on('status_incident_updates')
    .column('incident_id')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await dropTables(db, [
    'status_incident_updates',
    'status_incident_components',
    'status_incidents',
    'status_components',
  ]);
}
