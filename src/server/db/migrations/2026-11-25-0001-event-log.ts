// The event log, its streams, and the counters behind human keys (RPT-0001, INC-2026-0001).
import { sql, type Kysely } from 'kysely';
import { columnTypes, type MigrationDialect } from './column-types.ts';
import { dropTables } from './schema-undo.ts';

export async function up(db: Kysely<unknown>, dialect: MigrationDialect): Promise<void> {
  const t = columnTypes(dialect);
  await db.schema
    .createTable('streams')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('type', t.text, (c) => c.notNull())
    .addColumn('version', t.int, (c) => c.notNull())
    .addColumn('head_hash', t.text, (c) => c.notNull())
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .execute();

  let events = db.schema.createTable('events');
  events =
    dialect === 'postgres'
      ? events.addColumn('position', 'bigserial', (c) => c.primaryKey())
      : events.addColumn('position', 'integer', (c) => c.primaryKey().autoIncrement());
  await events
    .addColumn('id', t.id, (c) => c.notNull().unique())
    .addColumn('stream_id', t.id, (c) => c.notNull().references('streams.id'))
    .addColumn('seq', t.int, (c) => c.notNull())
    .addColumn('type', t.text, (c) => c.notNull())
    .addColumn('at', t.time, (c) => c.notNull())
    .addColumn('actor_id', t.id)
    .addColumn('visibility', t.text, (c) =>
      c.notNull().check(sql`visibility in ('internal', 'reporter', 'public')`),
    )
    .addColumn('data_json', t.text, (c) => c.notNull())
    .addColumn('prev_hash', t.text, (c) => c.notNull())
    .addColumn('hash', t.text, (c) => c.notNull())
    .addUniqueConstraint('events_stream_seq_unique', ['stream_id', 'seq'])
    .execute();
  await db.schema.createIndex('events_type_at').on('events').columns(['type', 'at']).execute();

  await db.schema
    .createTable('key_sequences')
    .addColumn('name', t.text, (c) => c.primaryKey())
    .addColumn('value', t.bigint, (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await dropTables(db, ['key_sequences', 'events', 'streams']);
}
