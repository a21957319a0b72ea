// Leases for singleton duties (issue 19, item 2): of several instances on one database, the one
// holding a duty's lease runs it; it renews the lease on a heartbeat, and another instance takes
// the lease over once it has run out.
import type { Kysely } from 'kysely';
import { columnTypes, type MigrationDialect } from './column-types.ts';
import { dropTables } from './schema-undo.ts';

export async function up(db: Kysely<unknown>, dialect: MigrationDialect): Promise<void> {
  const t = columnTypes(dialect);
  await db.schema
    .createTable('leases')
    .addColumn('name', t.text, (c) => c.primaryKey())
    .addColumn('holder', t.text)
    .addColumn('held_until', t.time)
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await dropTables(db, ['leases']);
}
