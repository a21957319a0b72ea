// Private intake of security reports: the report projection, its attachments, the conversation,
// identity verifications, "remove from public view" tasks, portal sessions, the access log,
// DB-backed rate-limit counters (shared by every instance) and the outbox for notices.
// No foreign keys to users or incidents: those subjects live in their own migrations.
import { sql, type Kysely } from 'kysely';
import { columnTypes, type MigrationDialect } from './column-types.ts';
import { dropTables } from './schema-undo.ts';

export async function up(db: Kysely<unknown>, dialect: MigrationDialect): Promise<void> {
  const t = columnTypes(dialect);
  await db.schema
    .createTable('reports')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('key', t.text, (c) => c.notNull().unique())
    .addColumn('status', t.text, (c) => c.notNull())
    .addColumn('summary', t.text, (c) => c.notNull())
    .addColumn('description', t.text, (c) => c.notNull())
    .addColumn('steps_to_reproduce', t.text)
    .addColumn('impact', t.text)
    .addColumn('first_noticed', t.text)
    .addColumn('affected', t.text)
    .addColumn('preferred_language', t.text)
    .addColumn('public_url', t.text)
    .addColumn('credit_consent', t.bool, (c) => c.notNull())
    .addColumn('credit_name', t.text)
    .addColumn('contact_name', t.text)
    .addColumn('contact_email', t.text)
    .addColumn('contact_phone', t.text)
    .addColumn('contact_pgp_key', t.text)
    .addColumn('access_code_hash', t.text, (c) => c.notNull())
    .addColumn('verified', t.bool, (c) => c.notNull())
    .addColumn('received_at', t.time, (c) => c.notNull())
    .addColumn('acknowledge_due_at', t.time, (c) => c.notNull())
    .addColumn('acknowledged_at', t.time)
    .addColumn('acknowledged_by', t.id)
    .addColumn('assessed_at', t.time)
    .addColumn('fixed_at', t.time)
    .addColumn('disclosed_at', t.time)
    .addColumn('closed_at', t.time)
    .addColumn('close_reason', t.text)
    .addColumn('duplicate_of', t.text)
    .addColumn('incident_id', t.id)
    .addColumn('version', t.int, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('reports_status_received')
    .on('reports')
    .columns(['status', 'received_at'])
    .execute();

  await db.schema
    .createTable('report_attachments')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('report_id', t.id, (c) => c.notNull().references('reports.id'))
    .addColumn('message_id', t.id)
    .addColumn('original_name', t.text, (c) => c.notNull())
    .addColumn('claimed_type', t.text)
    .addColumn('detected_type', t.text, (c) => c.notNull())
    .addColumn('size', t.bigint, (c) => c.notNull())
    .addColumn('sha256', t.text, (c) => c.notNull())
    .addColumn('stored_path', t.text, (c) => c.notNull())
    .addColumn('uploaded_by', t.text, (c) => c.notNull())
    .addColumn('created_at', t.time, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('report_attachments_report')
    .on('report_attachments')
    .column('report_id')
    .execute();

  await db.schema
    .createTable('report_messages')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('report_id', t.id, (c) => c.notNull().references('reports.id'))
    .addColumn('kind', t.text, (c) =>
      c.notNull().check(sql`kind in ('internal_note', 'to_reporter', 'from_reporter')`),
    )
    .addColumn('message_type', t.text)
    .addColumn('body', t.text, (c) => c.notNull())
    .addColumn('author_id', t.id)
    .addColumn('created_at', t.time, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('report_messages_report')
    .on('report_messages')
    .columns(['report_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('report_identity_verifications')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('report_id', t.id, (c) => c.notNull().references('reports.id'))
    .addColumn('method', t.text, (c) => c.notNull())
    .addColumn('note', t.text)
    .addColumn('verified_by', t.id)
    .addColumn('verified_at', t.time, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('public_removal_tasks')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('report_id', t.id, (c) => c.notNull().references('reports.id'))
    .addColumn('url', t.text, (c) => c.notNull())
    .addColumn('status', t.text, (c) =>
      c.notNull().check(sql`status in ('requested', 'removed', 'could_not_be_removed')`),
    )
    .addColumn('evidence', t.text)
    .addColumn('recorded_by', t.text, (c) => c.notNull())
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('portal_sessions')
    .addColumn('token_hash', t.text, (c) => c.primaryKey())
    .addColumn('report_id', t.id, (c) => c.notNull().references('reports.id'))
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('expires_at', t.time, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('report_access_log')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('report_id', t.id)
    .addColumn('report_key', t.text)
    .addColumn('action', t.text, (c) => c.notNull())
    .addColumn('actor_id', t.id)
    .addColumn('ip', t.text)
    .addColumn('at', t.time, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('report_access_log_report')
    .on('report_access_log')
    .columns(['report_key', 'at'])
    .execute();

  await db.schema
    .createTable('rate_limit_counters')
    .addColumn('bucket', t.text, (c) => c.notNull())
    .addColumn('window_start', t.time, (c) => c.notNull())
    .addColumn('count', t.int, (c) => c.notNull())
    .addPrimaryKeyConstraint('rate_limit_counters_pk', ['bucket', 'window_start'])
    .execute();

  await db.schema
    .createTable('outbox')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('channel', t.text, (c) => c.notNull())
    .addColumn('recipient', t.text, (c) => c.notNull())
    .addColumn('subject', t.text, (c) => c.notNull())
    .addColumn('body_text', t.text, (c) => c.notNull())
    .addColumn('body_html', t.text)
    .addColumn('idempotency_key', t.text, (c) => c.notNull().unique())
    .addColumn('status', t.text, (c) => c.notNull())
    .addColumn('created_at', t.time, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('outbox_status_created')
    .on('outbox')
    .columns(['status', 'created_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await dropTables(db, [
    'outbox',
    'rate_limit_counters',
    'report_access_log',
    'portal_sessions',
    'public_removal_tasks',
    'report_identity_verifications',
    'report_messages',
    'report_attachments',
    'reports',
  ]);
}
