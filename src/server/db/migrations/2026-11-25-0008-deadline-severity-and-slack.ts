// Deadlines carry the severity of their incident (measures read it from the deadline itself,
// not from another subject's table); staff may give their Slack member id, and an outbox
// message may @mention people on a Slack endpoint.
import { sql, type Kysely } from 'kysely';
import { columnTypes, type MigrationDialect } from './column-types.ts';
import { dropTables, dropColumns } from './schema-undo.ts';

export async function up(db: Kysely<unknown>, dialect: MigrationDialect): Promise<void> {
  const t = columnTypes(dialect);
  await db.schema.alterTable('deadlines').addColumn('severity', t.text).execute();
  // Existing deadlines take their incident's current severity, once.
  await sql`
    update deadlines set severity =
      (select incidents.severity from incidents where incidents.id = deadlines.subject_id)
    where subject_type = 'incident'`.execute(db);

  await db.schema
    .createTable('notification_slack_members')
    .addColumn('user_id', t.id, (c) => c.primaryKey())
    .addColumn('member_id', t.text, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .execute();
  await db.schema.alterTable('outbox').addColumn('mentions_json', t.text).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await dropColumns(db, 'outbox', ['mentions_json']);
  await dropTables(db, ['notification_slack_members']);
  await dropColumns(db, 'deadlines', ['severity']);
}
