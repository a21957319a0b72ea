// The policy history: every policy text that has been in force, keyed by its SHA-256, so an
// incident's recorded policy_hash always leads back to the exact rules it was handled under.
import type { Kysely } from 'kysely';
import { columnTypes, type MigrationDialect } from './column-types.ts';
import { dropTables } from './schema-undo.ts';

export async function up(db: Kysely<unknown>, dialect: MigrationDialect): Promise<void> {
  const t = columnTypes(dialect);
  await db.schema
    .createTable('policy_versions')
    .addColumn('hash', t.text, (c) => c.primaryKey())
    .addColumn('name', t.text, (c) => c.notNull())
    .addColumn('revision', t.text, (c) => c.notNull())
    .addColumn('text', t.text, (c) => c.notNull())
    .addColumn('loaded_at', t.time, (c) => c.notNull())
    .addColumn('last_loaded_at', t.time, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('policy_versions_last_loaded_at')
    .on('policy_versions')
    .column('last_loaded_at')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await dropTables(db, ['policy_versions']);
}
