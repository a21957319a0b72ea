// Follow-up actions of post-mortems (the learning subject): owner, due date, priority, type,
// status, an outside tracker's issue and, for process changes, the policy section they propose to
// change. A projection of the post-mortem streams.
import type { Kysely } from 'kysely';
import { columnTypes, type MigrationDialect } from './column-types.ts';
import { dropTables } from './schema-undo.ts';

export async function up(db: Kysely<unknown>, dialect: MigrationDialect): Promise<void> {
  const t = columnTypes(dialect);
  await db.schema
    .createTable('postmortem_follow_ups')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('postmortem_id', t.id, (c) => c.notNull().references('postmortems.id'))
    .addColumn('incident_id', t.id, (c) => c.notNull())
    .addColumn('position', t.int, (c) => c.notNull())
    .addColumn('title', t.text, (c) => c.notNull())
    .addColumn('owner_id', t.id, (c) => c.notNull())
    .addColumn('due_at', t.time, (c) => c.notNull())
    .addColumn('priority', t.text, (c) => c.notNull())
    .addColumn('type', t.text, (c) => c.notNull())
    .addColumn('tracker_url', t.text)
    .addColumn('policy_section', t.text)
    .addColumn('status', t.text, (c) => c.notNull())
    .addColumn('reason', t.text)
    .addColumn('created_by', t.id)
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('closed_at', t.time)
    .execute();
  await db.schema
    .createIndex('postmortem_follow_ups_open')
    .on('postmortem_follow_ups')
    .columns(['status', 'due_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await dropTables(db, ['postmortem_follow_ups']);
}
