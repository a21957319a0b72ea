// IMAP polling of a mailbox: for each mailbox read, the UIDVALIDITY and the last UID taken (so a
// message is read once), and the lease that lets one instance at a time read it.
import type { Kysely } from 'kysely';
import { columnTypes, type MigrationDialect } from './column-types.ts';
import { dropTables } from './schema-undo.ts';

export async function up(db: Kysely<unknown>, dialect: MigrationDialect): Promise<void> {
  const t = columnTypes(dialect);
  await db.schema
    .createTable('mail_imap_mailboxes')
    .addColumn('mailbox', t.text, (c) => c.primaryKey())
    .addColumn('uid_validity', t.bigint)
    .addColumn('last_uid', t.bigint, (c) => c.notNull().defaultTo(0))
    .addColumn('holder', t.text)
    .addColumn('held_until', t.time)
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await dropTables(db, ['mail_imap_mailboxes']);
}
