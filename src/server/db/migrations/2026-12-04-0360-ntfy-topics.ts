// A person's ntfy topic (issue 21, item 4): the URL their phone subscribes to, on ntfy.sh or a
// self-hosted server, and its access token, sealed with the server key like webhook secrets.
import type { Kysely } from 'kysely';
import { columnTypes, type MigrationDialect } from './column-types.ts';
import { dropTables } from './schema-undo.ts';

export async function up(db: Kysely<unknown>, dialect: MigrationDialect): Promise<void> {
  const t = columnTypes(dialect);
  await db.schema
    .createTable('notification_ntfy_topics')
    .addColumn('user_id', t.id, (c) => c.primaryKey())
    .addColumn('url', t.text, (c) => c.notNull())
    .addColumn('sealed_token', t.text)
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await dropTables(db, ['notification_ntfy_topics']);
}
