// Development trackers (issue 18, item 5; Kundo step 9): the connections admins configure (GitHub
// Issues, GitLab Issues, Jira Cloud, a signed webhook; credentials sealed with the server key) and
// the issues Stopline opened in them for incidents, with the tracker's state as last seen.
import type { Kysely } from 'kysely';
import { columnTypes, type MigrationDialect } from './column-types.ts';
import { dropTables } from './schema-undo.ts';

export async function up(db: Kysely<unknown>, dialect: MigrationDialect): Promise<void> {
  const t = columnTypes(dialect);
  await db.schema
    .createTable('tracker_connections')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('name', t.text, (c) => c.notNull().unique())
    .addColumn('kind', t.text, (c) => c.notNull())
    .addColumn('base_url', t.text, (c) => c.notNull())
    .addColumn('project', t.text, (c) => c.notNull())
    .addColumn('account', t.text)
    .addColumn('sealed_credential', t.text, (c) => c.notNull())
    .addColumn('sealed_webhook_secret', t.text)
    .addColumn('labels_json', t.text, (c) => c.notNull())
    .addColumn('on_follow_up', t.bool, (c) => c.notNull())
    .addColumn('enabled', t.bool, (c) => c.notNull())
    .addColumn('last_error', t.text)
    .addColumn('last_error_at', t.time)
    .addColumn('created_by', t.text)
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('tracker_issues')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('connection_id', t.id, (c) => c.notNull())
    .addColumn('incident_id', t.id, (c) => c.notNull())
    .addColumn('incident_key', t.text, (c) => c.notNull())
    .addColumn('cause', t.text, (c) => c.notNull())
    .addColumn('cause_id', t.text, (c) => c.notNull())
    .addColumn('status', t.text, (c) => c.notNull())
    .addColumn('url', t.text)
    .addColumn('external_key', t.text)
    .addColumn('state', t.text)
    .addColumn('last_error', t.text)
    .addColumn('attempts', t.int, (c) => c.notNull())
    .addColumn('closed_at', t.time)
    .addColumn('next_check_at', t.time)
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .addUniqueConstraint('tracker_issues_once', ['connection_id', 'cause', 'cause_id'])
    .execute();
  await db.schema
    .createIndex('tracker_issues_incident')
    .on('tracker_issues')
    .column('incident_id')
    .execute();
  await db.schema
    .createIndex('tracker_issues_due')
    .on('tracker_issues')
    .column('next_check_at')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await dropTables(db, ['tracker_issues', 'tracker_connections']);
}
