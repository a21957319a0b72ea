// Containment triggers (issue 18, item 6): outbound hooks an admin configures (URL, optional
// revert URL, method, how it is authenticated, the secret sealed with the server key), and the
// hook a containment action names with the last answer it gave, projected from the incident's
// stream (`incident.containment_hook_answered`).
import type { Kysely } from 'kysely';
import { columnTypes, type MigrationDialect } from './column-types.ts';
import { dropColumns, dropTables } from './schema-undo.ts';

export async function up(db: Kysely<unknown>, dialect: MigrationDialect): Promise<void> {
  const t = columnTypes(dialect);
  await db.schema
    .createTable('containment_hooks')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('name', t.text, (c) => c.notNull().unique())
    .addColumn('url', t.text, (c) => c.notNull())
    .addColumn('revert_url', t.text)
    .addColumn('method', t.text, (c) => c.notNull())
    .addColumn('auth', t.text, (c) => c.notNull())
    .addColumn('secret', t.text, (c) => c.notNull())
    .addColumn('enabled', t.int, (c) => c.notNull())
    .addColumn('created_by', t.id)
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .execute();
  await db.schema.alterTable('incident_containment_actions').addColumn('hook_id', t.id).execute();
  await db.schema
    .alterTable('incident_containment_actions')
    .addColumn('hook_answer_json', t.text)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await dropColumns(db, 'incident_containment_actions', ['hook_id', 'hook_answer_json']);
  await dropTables(db, ['containment_hooks']);
}
