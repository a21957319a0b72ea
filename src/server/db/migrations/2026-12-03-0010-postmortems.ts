// Post-mortems (the learning subject): one per incident, its sections from the policy's template
// as they were when it was started, and where it stands in review. Projections of the post-mortem
// streams; the event log keeps every edit of every section.
import type { Kysely } from 'kysely';
import { columnTypes, type MigrationDialect } from './column-types.ts';
import { dropTables } from './schema-undo.ts';

export async function up(db: Kysely<unknown>, dialect: MigrationDialect): Promise<void> {
  const t = columnTypes(dialect);
  await db.schema
    .createTable('postmortems')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('incident_id', t.id, (c) => c.notNull().unique())
    .addColumn('incident_key', t.text, (c) => c.notNull())
    .addColumn('status', t.text, (c) => c.notNull())
    .addColumn('owner_id', t.id)
    .addColumn('policy_hash', t.text, (c) => c.notNull())
    .addColumn('author_may_approve', t.int, (c) => c.notNull())
    .addColumn('submitted_by', t.id)
    .addColumn('submitted_at', t.time)
    .addColumn('approved_by', t.id)
    .addColumn('approved_at', t.time)
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .addColumn('version', t.int, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('postmortem_sections')
    .addColumn('postmortem_id', t.id, (c) => c.notNull().references('postmortems.id'))
    .addColumn('section_id', t.text, (c) => c.notNull())
    .addColumn('position', t.int, (c) => c.notNull())
    .addColumn('title', t.text, (c) => c.notNull())
    .addColumn('prompt', t.text)
    .addColumn('required', t.int, (c) => c.notNull())
    .addColumn('body', t.text, (c) => c.notNull())
    .addColumn('updated_by', t.id)
    .addColumn('updated_at', t.time)
    .addPrimaryKeyConstraint('postmortem_sections_pk', ['postmortem_id', 'section_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await dropTables(db, ['postmortem_sections', 'postmortems']);
}
