// Breach notices and the people they go to (issue 15, item 5): drafts for the authority and for
// individuals (a projection of the breach stream), and the individuals' contact lists imported as
// CSV. Contacts are personal data kept outside the append-only log, so the retention rule can
// delete them; the log keeps only how many were imported and the file's hash.
import type { Kysely } from 'kysely';
import { columnTypes, type MigrationDialect } from './column-types.ts';
import { dropTables } from './schema-undo.ts';

export async function up(db: Kysely<unknown>, dialect: MigrationDialect): Promise<void> {
  const t = columnTypes(dialect);
  await db.schema
    .createTable('breach_notices')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('breach_id', t.id, (c) => c.notNull().references('breaches.id'))
    .addColumn('audience', t.text, (c) => c.notNull())
    .addColumn('regime_id', t.text, (c) => c.notNull())
    .addColumn('stage_id', t.text, (c) => c.notNull())
    .addColumn('subject', t.text, (c) => c.notNull())
    .addColumn('body', t.text, (c) => c.notNull())
    .addColumn('status', t.text, (c) => c.notNull())
    .addColumn('sha256', t.text)
    .addColumn('drafted_at', t.time, (c) => c.notNull())
    .addColumn('drafted_by', t.id)
    .addColumn('approved_at', t.time)
    .addColumn('approved_by', t.id)
    .addColumn('sent_at', t.time)
    .addColumn('recipients', t.int)
    .execute();
  await db.schema
    .createTable('breach_contacts')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('breach_id', t.id, (c) => c.notNull().references('breaches.id'))
    .addColumn('line', t.int, (c) => c.notNull())
    .addColumn('name', t.text, (c) => c.notNull())
    .addColumn('email', t.text, (c) => c.notNull())
    .addColumn('fields_json', t.text, (c) => c.notNull())
    .addColumn('imported_at', t.time, (c) => c.notNull())
    .addColumn('imported_by', t.id)
    .execute();
  await db.schema
    .createIndex('breach_contacts_breach')
    .on('breach_contacts')
    .column('breach_id')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await dropTables(db, ['breach_contacts', 'breach_notices']);
}
