// Vulnerabilities (issue 16): one row per vulnerability, the projection of its stream. The state
// is kept whole as JSON; the columns beside it are what lists filter and the scheduler looks for.
import type { Kysely } from 'kysely';
import { columnTypes, type MigrationDialect } from './column-types.ts';
import { dropTables } from './schema-undo.ts';

export async function up(db: Kysely<unknown>, dialect: MigrationDialect): Promise<void> {
  const t = columnTypes(dialect);
  await db.schema
    .createTable('vulnerabilities')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('key', t.text, (c) => c.notNull().unique())
    .addColumn('status', t.text, (c) => c.notNull())
    .addColumn('title', t.text, (c) => c.notNull())
    .addColumn('cve_id', t.text)
    .addColumn('state_json', t.text, (c) => c.notNull())
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .addColumn('version', t.int, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('vulnerabilities_status')
    .on('vulnerabilities')
    .columns(['status', 'updated_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await dropTables(db, ['vulnerabilities']);
}
