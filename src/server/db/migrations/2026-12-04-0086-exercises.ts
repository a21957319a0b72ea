// An incident can be declared as an exercise (issue 14, item 7): its kind (tabletop, red team,
// drill) and scenario, as JSON text, projected from incident.opened; null for a real incident.
import type { Kysely } from 'kysely';
import { columnTypes, type MigrationDialect } from './column-types.ts';
import { dropColumns } from './schema-undo.ts';

export async function up(db: Kysely<unknown>, dialect: MigrationDialect): Promise<void> {
  const t = columnTypes(dialect);
  await db.schema.alterTable('incidents').addColumn('exercise_json', t.text).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await dropColumns(db, 'incidents', ['exercise_json']);
}
