// Internal briefings (issue 13, item 9): the stakeholder list (executives, account managers) an
// admin keeps, and where each active incident's briefings stand (projected from its briefing
// stream: how many were sent and when the last went).
import type { Kysely } from 'kysely';
import { columnTypes, type MigrationDialect } from './column-types.ts';
import { dropTables } from './schema-undo.ts';

export async function up(db: Kysely<unknown>, dialect: MigrationDialect): Promise<void> {
  const t = columnTypes(dialect);
  await db.schema
    .createTable('status_stakeholders')
    .addColumn('user_id', t.id, (c) => c.primaryKey())
    .addColumn('label', t.text, (c) => c.notNull())
    .addColumn('added_by', t.id)
    .addColumn('added_at', t.time, (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('status_briefings')
    .addColumn('incident_id', t.id, (c) => c.primaryKey())
    .addColumn('version', t.int, (c) => c.notNull())
    .addColumn('sent', t.int, (c) => c.notNull())
    .addColumn('last_at', t.time, (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await dropTables(db, ['status_briefings', 'status_stakeholders']);
}
