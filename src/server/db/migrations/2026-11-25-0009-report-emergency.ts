// A report can be an emergency (Kai 8.2: critical or emergency reports are answered within
// 15 minutes): the reporter says so, triage may raise or lower it; who changed it last, and when.
import type { Kysely } from 'kysely';
import { columnTypes, type MigrationDialect } from './column-types.ts';
import { dropColumns } from './schema-undo.ts';

export async function up(db: Kysely<unknown>, dialect: MigrationDialect): Promise<void> {
  const t = columnTypes(dialect);
  await db.schema
    .alterTable('reports')
    .addColumn('emergency', t.bool, (c) =>
      c.notNull().defaultTo(dialect === 'postgres' ? false : 0),
    )
    .execute();
  await db.schema.alterTable('reports').addColumn('emergency_set_by', t.text).execute();
  await db.schema.alterTable('reports').addColumn('emergency_set_at', t.time).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await dropColumns(db, 'reports', ['emergency_set_at', 'emergency_set_by', 'emergency']);
}
