// Subscribers of the public status page: e-mail addresses that asked for its notices (double
// opt-in: a row is pending until its confirmation link is used), each with the components they
// follow; and the List-Unsubscribe link an outbox e-mail carries (RFC 8058 one-click).
import type { Kysely } from 'kysely';
import { columnTypes, type MigrationDialect } from './column-types.ts';
import { dropColumns, dropTables } from './schema-undo.ts';

export async function up(db: Kysely<unknown>, dialect: MigrationDialect): Promise<void> {
  const t = columnTypes(dialect);
  await db.schema
    .createTable('status_subscribers')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('email', t.text, (c) => c.notNull())
    .addColumn('email_key', t.text, (c) => c.notNull().unique())
    .addColumn('component_ids_json', t.text)
    .addColumn('token_hash', t.text, (c) => c.notNull().unique())
    .addColumn('confirm_token_hash', t.text, (c) => c.unique())
    .addColumn('confirm_expires_at', t.time)
    .addColumn('confirmed_at', t.time)
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .execute();
  await db.schema.alterTable('outbox').addColumn('list_unsubscribe', t.text).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await dropColumns(db, 'outbox', ['list_unsubscribe']);
  await dropTables(db, ['status_subscribers']);
}
