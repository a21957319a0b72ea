// Pages: urgent notices that climb a ladder until someone acknowledges them. A page records what
// it says, the levels it may still climb (frozen from the policy when it was sent) and where it
// stands; each person paged has one acknowledge link, whose token is derived from the server key
// and stored only as its SHA-256.
import type { Kysely } from 'kysely';
import { columnTypes, type MigrationDialect } from './column-types.ts';
import { dropTables } from './schema-undo.ts';

export async function up(db: Kysely<unknown>, dialect: MigrationDialect): Promise<void> {
  const t = columnTypes(dialect);
  await db.schema
    .createTable('pages')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('idempotency_key', t.text, (c) => c.notNull().unique())
    .addColumn('kind', t.text, (c) => c.notNull())
    .addColumn('about_json', t.text, (c) => c.notNull())
    .addColumn('headline', t.text, (c) => c.notNull())
    .addColumn('lines_json', t.text, (c) => c.notNull())
    .addColumn('levels_json', t.text, (c) => c.notNull())
    .addColumn('escalate_after_ms', t.bigint, (c) => c.notNull())
    .addColumn('level', t.int, (c) => c.notNull())
    .addColumn('next_escalation_at', t.time)
    .addColumn('acknowledged_by', t.id)
    .addColumn('acknowledged_at', t.time)
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('pages_next_escalation_idx')
    .on('pages')
    .column('next_escalation_at')
    .execute();
  await db.schema
    .createTable('page_recipients')
    .addColumn('page_id', t.id, (c) => c.notNull().references('pages.id').onDelete('cascade'))
    .addColumn('user_id', t.id, (c) => c.notNull())
    .addColumn('level', t.int, (c) => c.notNull())
    .addColumn('token_hash', t.text, (c) => c.notNull().unique())
    .addColumn('paged_at', t.time, (c) => c.notNull())
    .addPrimaryKeyConstraint('page_recipients_pk', ['page_id', 'user_id'])
    .execute();
  await db.schema
    .createIndex('page_recipients_user_idx')
    .on('page_recipients')
    .column('user_id')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await dropTables(db, ['page_recipients', 'pages']);
}
