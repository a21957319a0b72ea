// Reliable delivery: the outbox learns retries (attempts, next attempt, claim lease, dead
// letters), every attempt is recorded, and admins configure outgoing webhook endpoints.
// Staff choose which channels tell them about which kinds of event.
import type { Kysely } from 'kysely';
import { columnTypes, type MigrationDialect } from './column-types.ts';
import { dropTables, dropColumns } from './schema-undo.ts';

export async function up(db: Kysely<unknown>, dialect: MigrationDialect): Promise<void> {
  const t = columnTypes(dialect);
  // Existing rows are due at once: next_attempt_at 0 is in the past.
  await db.schema
    .alterTable('outbox')
    .addColumn('attempts', t.int, (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('outbox')
    .addColumn('next_attempt_at', t.time, (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('outbox').addColumn('claimed_until', t.time).execute();
  await db.schema.alterTable('outbox').addColumn('last_error', t.text).execute();
  await db.schema.alterTable('outbox').addColumn('delivered_at', t.time).execute();
  await db.schema
    .createIndex('outbox_status_due')
    .on('outbox')
    .columns(['status', 'next_attempt_at'])
    .execute();

  await db.schema
    .createTable('outbox_attempts')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('message_id', t.id, (c) => c.notNull().references('outbox.id'))
    .addColumn('attempt', t.int, (c) => c.notNull())
    .addColumn('started_at', t.time, (c) => c.notNull())
    .addColumn('finished_at', t.time, (c) => c.notNull())
    .addColumn('outcome', t.text, (c) => c.notNull())
    .addColumn('error', t.text)
    .execute();
  await db.schema
    .createIndex('outbox_attempts_message')
    .on('outbox_attempts')
    .columns(['message_id', 'attempt'])
    .execute();

  await db.schema
    .createTable('webhook_endpoints')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('kind', t.text, (c) => c.notNull())
    .addColumn('name', t.text, (c) => c.notNull())
    .addColumn('url', t.text, (c) => c.notNull())
    .addColumn('secret', t.text)
    .addColumn('event_types_json', t.text, (c) => c.notNull())
    .addColumn('active', t.int, (c) => c.notNull())
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('notification_preferences')
    .addColumn('user_id', t.id, (c) => c.notNull())
    .addColumn('event_kind', t.text, (c) => c.notNull())
    .addColumn('channels_json', t.text, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .addPrimaryKeyConstraint('notification_preferences_pk', ['user_id', 'event_kind'])
    .execute();
  await db.schema
    .createTable('notification_quiet_hours')
    .addColumn('user_id', t.id, (c) => c.primaryKey())
    .addColumn('start_minute', t.int, (c) => c.notNull())
    .addColumn('end_minute', t.int, (c) => c.notNull())
    .addColumn('time_zone', t.text, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await dropTables(db, [
    'notification_quiet_hours',
    'notification_preferences',
    'webhook_endpoints',
    'outbox_attempts',
  ]);
  await db.schema.dropIndex('outbox_status_due').execute();
  await dropColumns(db, 'outbox', [
    'delivered_at',
    'last_error',
    'claimed_until',
    'next_attempt_at',
    'attempts',
  ]);
}
