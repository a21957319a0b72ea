// Threading of reports by e-mail: each mailed report's reply address token (only its SHA-256),
// and the threading headers (Reply-To, In-Reply-To, References) an outbox e-mail carries.
import type { Kysely } from 'kysely';
import { columnTypes, type MigrationDialect } from './column-types.ts';
import { dropColumns, dropTables } from './schema-undo.ts';

export async function up(db: Kysely<unknown>, dialect: MigrationDialect): Promise<void> {
  const t = columnTypes(dialect);
  await db.schema
    .createTable('mail_reply_tokens')
    .addColumn('token_hash', t.text, (c) => c.primaryKey())
    .addColumn('report_id', t.id, (c) => c.notNull())
    .addColumn('created_at', t.time, (c) => c.notNull())
    .execute();
  await db.schema.alterTable('outbox').addColumn('threading_json', t.text).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await dropColumns(db, 'outbox', ['threading_json']);
  await dropTables(db, ['mail_reply_tokens']);
}
