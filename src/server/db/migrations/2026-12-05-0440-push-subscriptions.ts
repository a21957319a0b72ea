// Web Push to the installed console (issue 21, item 4): the server's VAPID key pair, made at the
// first start and kept here (its private half sealed with the server key) so every instance signs
// with the same key, and each person's browser subscriptions (one per device), their auth secret
// sealed as well.
import type { Kysely } from 'kysely';
import { columnTypes, type MigrationDialect } from './column-types.ts';
import { dropTables } from './schema-undo.ts';

export async function up(db: Kysely<unknown>, dialect: MigrationDialect): Promise<void> {
  const t = columnTypes(dialect);
  await db.schema
    .createTable('push_vapid_keys')
    .addColumn('id', t.text, (c) => c.primaryKey())
    .addColumn('public_key', t.text, (c) => c.notNull())
    .addColumn('sealed_private_key', t.text, (c) => c.notNull())
    .addColumn('created_at', t.time, (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('push_subscriptions')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('user_id', t.id, (c) => c.notNull())
    .addColumn('endpoint', t.text, (c) => c.notNull().unique())
    .addColumn('p256dh', t.text, (c) => c.notNull())
    .addColumn('sealed_auth', t.text, (c) => c.notNull())
    .addColumn('device', t.text, (c) => c.notNull())
    .addColumn('created_at', t.time, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('push_subscriptions_user')
    .on('push_subscriptions')
    .column('user_id')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await dropTables(db, ['push_subscriptions', 'push_vapid_keys']);
}
