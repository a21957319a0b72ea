// A scheduled maintenance called off before its window opened (issue 13, item 5): when it was
// cancelled; null for one that ran (or is still to run). A projection of the maintenance streams.
import type { Kysely } from 'kysely';
import { columnTypes, type MigrationDialect } from './column-types.ts';
import { dropColumns } from './schema-undo.ts';

export async function up(db: Kysely<unknown>, dialect: MigrationDialect): Promise<void> {
  const t = columnTypes(dialect);
  await db.schema.alterTable('status_maintenances').addColumn('cancelled_at', t.time).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await dropColumns(db, 'status_maintenances', ['cancelled_at']);
}
