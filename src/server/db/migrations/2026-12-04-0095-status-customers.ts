// Customers of the status page (issue 13, item 8): named organisations with their contacts and
// the components they use, projected from each customer's own stream; "notify affected
// customers" e-mails their contacts and is recorded on that stream.
import type { Kysely } from 'kysely';
import { columnTypes, type MigrationDialect } from './column-types.ts';
import { dropTables } from './schema-undo.ts';

export async function up(db: Kysely<unknown>, dialect: MigrationDialect): Promise<void> {
  const t = columnTypes(dialect);
  await db.schema
    .createTable('status_customers')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('name', t.text, (c) => c.notNull())
    .addColumn('name_key', t.text, (c) => c.notNull().unique())
    .addColumn('component_ids_json', t.text, (c) => c.notNull())
    .addColumn('contacts_json', t.text, (c) => c.notNull())
    .addColumn('notices_json', t.text, (c) => c.notNull())
    .addColumn('version', t.int, (c) => c.notNull())
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await dropTables(db, ['status_customers']);
}
