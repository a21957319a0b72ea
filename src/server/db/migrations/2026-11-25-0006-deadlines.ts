// The live clocks: one row per deadline (a promise of the policy with a due time), indexed by
// (status, next_fire_at, id) so the scheduler finds what is due with one range scan. The claim
// columns let several scheduler instances share the table: a row is fired by whoever claimed it.
import type { Kysely } from 'kysely';
import { columnTypes, type MigrationDialect } from './column-types.ts';
import { dropTables } from './schema-undo.ts';

export async function up(db: Kysely<unknown>, dialect: MigrationDialect): Promise<void> {
  const t = columnTypes(dialect);
  await db.schema
    .createTable('deadlines')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('subject_type', t.text, (c) => c.notNull())
    .addColumn('subject_id', t.id, (c) => c.notNull())
    .addColumn('kind', t.text, (c) => c.notNull())
    .addColumn('ref', t.text, (c) => c.notNull())
    .addColumn('status', t.text, (c) => c.notNull())
    .addColumn('started_at', t.time, (c) => c.notNull())
    .addColumn('due_at', t.time, (c) => c.notNull())
    .addColumn('stage', t.int, (c) => c.notNull())
    .addColumn('next_fire_at', t.time)
    .addColumn('paused_at', t.time)
    .addColumn('responsible_id', t.id)
    .addColumn('satisfied_by_json', t.text, (c) => c.notNull())
    .addColumn('met_at', t.time)
    .addColumn('met_by', t.text)
    .addColumn('met_reason', t.text)
    .addColumn('breached_at', t.time)
    .addColumn('claimed_by', t.text)
    .addColumn('claimed_until', t.time)
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('deadlines_status_next_fire')
    .on('deadlines')
    .columns(['status', 'next_fire_at', 'id'])
    .execute();
  await db.schema
    .createIndex('deadlines_subject')
    .on('deadlines')
    .columns(['subject_id', 'kind'])
    .execute();
  await db.schema
    .createIndex('deadlines_status_due')
    .on('deadlines')
    .columns(['status', 'due_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await dropTables(db, ['deadlines']);
}
