// A secret an outbox e-mail carries (a reporter's portal access code in the e-mail receipt),
// sealed with the server key: the row holds it unreadable, the delivery worker opens it into the
// text as it sends, and the row forgets it once delivered.
import type { Kysely } from 'kysely';
import { columnTypes, type MigrationDialect } from './column-types.ts';
import { dropColumns } from './schema-undo.ts';

export async function up(db: Kysely<unknown>, dialect: MigrationDialect): Promise<void> {
  const t = columnTypes(dialect);
  await db.schema.alterTable('outbox').addColumn('sealed_secret', t.text).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await dropColumns(db, 'outbox', ['sealed_secret']);
}
