// Reports by e-mail (the mail subject): every inbound message, stored raw on disk before it is
// read, with its SHA-256, receive time, envelope, authentication results and what it became. A
// projection of the inbound messages' streams.
import type { Kysely } from 'kysely';
import { columnTypes, type MigrationDialect } from './column-types.ts';
import { dropTables } from './schema-undo.ts';

export async function up(db: Kysely<unknown>, dialect: MigrationDialect): Promise<void> {
  const t = columnTypes(dialect);
  await db.schema
    .createTable('inbound_mail')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('via', t.text, (c) => c.notNull())
    .addColumn('received_at', t.time, (c) => c.notNull())
    .addColumn('sha256', t.text, (c) => c.notNull())
    .addColumn('size', t.bigint, (c) => c.notNull())
    .addColumn('raw_path', t.text, (c) => c.notNull())
    .addColumn('remote_address', t.text)
    .addColumn('helo', t.text)
    .addColumn('envelope_from', t.text)
    .addColumn('envelope_to', t.text)
    .addColumn('message_id', t.text)
    .addColumn('from_address', t.text)
    .addColumn('subject', t.text)
    .addColumn('auth_json', t.text)
    .addColumn('status', t.text, (c) => c.notNull())
    .addColumn('report_id', t.id)
    .addColumn('duplicate_of', t.id)
    .addColumn('problem', t.text)
    .addColumn('version', t.int, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('inbound_mail_message_id')
    .on('inbound_mail')
    .column('message_id')
    .execute();
  await db.schema
    .createIndex('inbound_mail_report')
    .on('inbound_mail')
    .column('report_id')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await dropTables(db, ['inbound_mail']);
}
