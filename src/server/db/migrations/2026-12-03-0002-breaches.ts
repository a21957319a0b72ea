// Personal-data breach records (issue 15): one per incident at most, its facts as JSON, and its
// determinations (recorded decisions) and submissions (with the frozen copy sent and its hash) one
// row each. All are projections of the breach stream.
import type { Kysely } from 'kysely';
import { columnTypes, type MigrationDialect } from './column-types.ts';
import { dropTables } from './schema-undo.ts';

export async function up(db: Kysely<unknown>, dialect: MigrationDialect): Promise<void> {
  const t = columnTypes(dialect);
  await db.schema
    .createTable('breaches')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('incident_id', t.id, (c) => c.notNull().unique())
    .addColumn('status', t.text, (c) => c.notNull())
    .addColumn('risk_level', t.text)
    .addColumn('facts_json', t.text, (c) => c.notNull())
    .addColumn('opened_at', t.time, (c) => c.notNull())
    .addColumn('opened_by', t.id)
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .addColumn('version', t.int, (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('breach_determinations')
    .addColumn('breach_id', t.id, (c) => c.notNull())
    .addColumn('seq', t.int, (c) => c.notNull())
    .addColumn('kind', t.text, (c) => c.notNull())
    .addColumn('value', t.bool, (c) => c.notNull())
    .addColumn('at', t.time, (c) => c.notNull())
    .addColumn('rationale', t.text, (c) => c.notNull())
    .addColumn('decided_by', t.id)
    .addColumn('decided_at', t.time, (c) => c.notNull())
    .addPrimaryKeyConstraint('breach_determinations_pk', ['breach_id', 'seq'])
    .execute();
  await db.schema
    .createTable('breach_submissions')
    .addColumn('breach_id', t.id, (c) => c.notNull())
    .addColumn('seq', t.int, (c) => c.notNull())
    .addColumn('regime_id', t.text, (c) => c.notNull())
    .addColumn('stage_id', t.text, (c) => c.notNull())
    .addColumn('part', t.text, (c) => c.notNull())
    .addColumn('submitted_at', t.time, (c) => c.notNull())
    .addColumn('recipient', t.text, (c) => c.notNull())
    .addColumn('reference', t.text, (c) => c.notNull())
    .addColumn('copy_media_type', t.text, (c) => c.notNull())
    .addColumn('copy_text', t.text, (c) => c.notNull())
    .addColumn('copy_sha256', t.text, (c) => c.notNull())
    .addColumn('due_at', t.time)
    .addColumn('late', t.bool, (c) => c.notNull())
    .addColumn('delay_reasons', t.text, (c) => c.notNull())
    .addColumn('recorded_by', t.id)
    .addColumn('recorded_at', t.time, (c) => c.notNull())
    .addPrimaryKeyConstraint('breach_submissions_pk', ['breach_id', 'seq'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await dropTables(db, ['breach_submissions', 'breach_determinations', 'breaches']);
}
