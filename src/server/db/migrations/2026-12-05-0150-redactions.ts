// Retention and redaction (issue 19, item 5): what was redacted of a report or an e-mail, when,
// why and by whom (a projection of the tombstone events `report.redacted` and `mail.redacted`),
// the stored file each one removes until the file store confirms it gone, and a mark on the
// attachment or message whose bytes went.
import type { Kysely } from 'kysely';
import { columnTypes, type MigrationDialect } from './column-types.ts';
import { dropColumns, dropTables } from './schema-undo.ts';

export async function up(db: Kysely<unknown>, dialect: MigrationDialect): Promise<void> {
  const t = columnTypes(dialect);
  await db.schema
    .createTable('redactions')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('stream_id', t.id, (c) => c.notNull())
    .addColumn('target_type', t.text, (c) => c.notNull())
    .addColumn('target_id', t.id, (c) => c.notNull())
    .addColumn('field', t.text, (c) => c.notNull())
    .addColumn('rule', t.text, (c) => c.notNull())
    .addColumn('reason', t.text, (c) => c.notNull())
    .addColumn('removed_hash', t.text, (c) => c.notNull())
    .addColumn('actor_id', t.id)
    .addColumn('at', t.time, (c) => c.notNull())
    .addColumn('file_key', t.text)
    .addColumn('file_removed_at', t.time)
    .execute();
  await db.schema
    .createIndex('redactions_target')
    .on('redactions')
    .columns(['target_type', 'target_id', 'field'])
    .unique()
    .execute();
  await db.schema.alterTable('report_attachments').addColumn('redacted_at', t.time).execute();
  await db.schema.alterTable('inbound_mail').addColumn('redacted_at', t.time).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await dropColumns(db, 'inbound_mail', ['redacted_at']);
  await dropColumns(db, 'report_attachments', ['redacted_at']);
  await dropTables(db, ['redactions']);
}
