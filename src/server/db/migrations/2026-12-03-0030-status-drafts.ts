// Drafts of the public status page (four-eyes publishing): a text written by one person that
// waits for another's approval before it is public. A projection of the draft streams; the
// draft's exact content and its hash are on the record, and nothing here is ever public.
import type { Kysely } from 'kysely';
import { columnTypes, type MigrationDialect } from './column-types.ts';
import { dropTables } from './schema-undo.ts';

export async function up(db: Kysely<unknown>, dialect: MigrationDialect): Promise<void> {
  const t = columnTypes(dialect);
  await db.schema
    .createTable('status_drafts')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('public_incident_id', t.id)
    .addColumn('incident_version', t.int)
    .addColumn('content_json', t.text, (c) => c.notNull())
    .addColumn('content_hash', t.text, (c) => c.notNull())
    .addColumn('state', t.text, (c) => c.notNull())
    .addColumn('drafted_by', t.id)
    .addColumn('drafted_at', t.time, (c) => c.notNull())
    .addColumn('decided_by', t.id)
    .addColumn('decided_at', t.time)
    .addColumn('reason', t.text)
    .addColumn('published_incident_id', t.id)
    .addColumn('published_update_id', t.id)
    .addColumn('version', t.int, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('status_drafts_state')
    .on('status_drafts')
    .columns(['state', 'drafted_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await dropTables(db, ['status_drafts']);
}
