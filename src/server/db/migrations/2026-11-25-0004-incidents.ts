// Incident projections: the current state of each incident and its parts (owner history, panel,
// roles, tasks, containment, decisions, participants, milestones) plus the line's history. The
// event log stays the record; these tables are rebuilt from it in the same transaction. User ids
// are plain text (no foreign key to accounts), and report ids likewise (reports are another
// subject). Flags are 0/1 integers on both databases.
import type { Kysely } from 'kysely';
import { columnTypes, type MigrationDialect } from './column-types.ts';
import { dropTables } from './schema-undo.ts';

export async function up(db: Kysely<unknown>, dialect: MigrationDialect): Promise<void> {
  const t = columnTypes(dialect);
  await db.schema
    .createTable('incidents')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('key', t.text, (c) => c.notNull().unique())
    .addColumn('title', t.text, (c) => c.notNull())
    .addColumn('summary', t.text, (c) => c.notNull())
    .addColumn('source', t.text, (c) => c.notNull())
    .addColumn('affected_systems_json', t.text, (c) => c.notNull())
    .addColumn('detected_at', t.time)
    .addColumn('reported_at', t.time)
    .addColumn('declared_at', t.time, (c) => c.notNull())
    .addColumn('restricted', t.int, (c) => c.notNull())
    .addColumn('publicly_disclosed', t.int, (c) => c.notNull())
    .addColumn('severity', t.text)
    .addColumn('criticality', t.text)
    .addColumn('phase', t.text, (c) => c.notNull())
    .addColumn('owner_id', t.id)
    .addColumn('policy_hash', t.text, (c) => c.notNull())
    .addColumn('line_stopped', t.int, (c) => c.notNull())
    .addColumn('line_stopped_at', t.time)
    .addColumn('awaiting_reporter', t.int, (c) => c.notNull())
    .addColumn('reproduction_result', t.text)
    .addColumn('reproduction_steps', t.text)
    .addColumn('reproduction_evidence', t.text)
    .addColumn('tracker_url', t.text)
    .addColumn('de_escalated_at', t.time)
    .addColumn('panel_round', t.int, (c) => c.notNull())
    .addColumn('created_by', t.id)
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .addColumn('closed_at', t.time)
    .addColumn('version', t.int, (c) => c.notNull())
    .execute();
  for (const column of ['phase', 'severity', 'owner_id', 'criticality', 'line_stopped']) {
    await db.schema.createIndex(`incidents_${column}`).on('incidents').column(column).execute();
  }

  const child = (name: string) =>
    db.schema
      .createTable(name)
      .addColumn('incident_id', t.id, (c) => c.notNull().references('incidents.id'));

  await child('incident_report_links')
    .addColumn('report_id', t.id, (c) => c.notNull())
    .addColumn('linked_at', t.time, (c) => c.notNull())
    .addPrimaryKeyConstraint('incident_report_links_pk', ['incident_id', 'report_id'])
    .execute();
  await db.schema
    .createIndex('incident_report_links_report')
    .on('incident_report_links')
    .column('report_id')
    .execute();

  await child('incident_owner_history')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('user_id', t.id, (c) => c.notNull())
    .addColumn('how', t.text, (c) => c.notNull())
    .addColumn('assigned_by', t.id)
    .addColumn('from_at', t.time, (c) => c.notNull())
    .addColumn('to_at', t.time)
    .execute();

  await child('incident_panel_members')
    .addColumn('round', t.int, (c) => c.notNull())
    .addColumn('user_id', t.id, (c) => c.notNull())
    .addColumn('seat', t.text, (c) => c.notNull())
    .addPrimaryKeyConstraint('incident_panel_members_pk', ['incident_id', 'round', 'user_id'])
    .execute();

  await child('incident_panel_votes')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('round', t.int, (c) => c.notNull())
    .addColumn('member_id', t.id, (c) => c.notNull())
    .addColumn('seat', t.text, (c) => c.notNull())
    .addColumn('answers_json', t.text, (c) => c.notNull())
    .addColumn('vote', t.text, (c) => c.notNull())
    .addColumn('rationale', t.text, (c) => c.notNull())
    .addColumn('at', t.time, (c) => c.notNull())
    .addUniqueConstraint('incident_panel_votes_once', ['incident_id', 'round', 'member_id'])
    .execute();

  await child('incident_role_assignments')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('role', t.text, (c) => c.notNull())
    .addColumn('user_id', t.id, (c) => c.notNull())
    .addColumn('assigned_by', t.id)
    .addColumn('from_at', t.time, (c) => c.notNull())
    .addColumn('to_at', t.time)
    .execute();

  await child('incident_tasks')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('type', t.text, (c) => c.notNull())
    .addColumn('title', t.text, (c) => c.notNull())
    .addColumn('description', t.text, (c) => c.notNull())
    .addColumn('assignee_id', t.id)
    .addColumn('due_at', t.time)
    .addColumn('status', t.text, (c) => c.notNull())
    .addColumn('created_by', t.id)
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .addColumn('completed_at', t.time)
    .execute();

  await child('incident_containment_actions')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('kind', t.text, (c) => c.notNull())
    .addColumn('description', t.text, (c) => c.notNull())
    .addColumn('status', t.text, (c) => c.notNull())
    .addColumn('justification', t.text)
    .addColumn('recorded_by', t.id)
    .addColumn('recorded_at', t.time, (c) => c.notNull())
    .addColumn('ended_at', t.time)
    .execute();

  await child('incident_decisions')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('what', t.text, (c) => c.notNull())
    .addColumn('why', t.text, (c) => c.notNull())
    .addColumn('alternatives', t.text, (c) => c.notNull())
    .addColumn('decided_by', t.text, (c) => c.notNull())
    .addColumn('recorded_by', t.id)
    .addColumn('at', t.time, (c) => c.notNull())
    .execute();

  await child('incident_participants')
    .addColumn('user_id', t.id, (c) => c.notNull())
    .addColumn('added_at', t.time, (c) => c.notNull())
    .addPrimaryKeyConstraint('incident_participants_pk', ['incident_id', 'user_id'])
    .execute();

  await child('incident_milestones')
    .addColumn('milestone', t.text, (c) => c.notNull())
    .addColumn('note', t.text, (c) => c.notNull())
    .addColumn('recorded_by', t.id)
    .addColumn('at', t.time, (c) => c.notNull())
    .addPrimaryKeyConstraint('incident_milestones_pk', ['incident_id', 'milestone'])
    .execute();

  await child('line_history')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('incident_key', t.text, (c) => c.notNull())
    .addColumn('change', t.text, (c) => c.notNull())
    .addColumn('reason', t.text, (c) => c.notNull())
    .addColumn('at', t.time, (c) => c.notNull())
    .execute();

  for (const table of [
    'incident_owner_history',
    'incident_panel_votes',
    'incident_role_assignments',
    'incident_tasks',
    'incident_containment_actions',
    'incident_decisions',
    'line_history',
  ]) {
    await db.schema.createIndex(`${table}_incident`).on(table).column('incident_id').execute();
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await dropTables(db, [
    'line_history',
    'incident_milestones',
    'incident_participants',
    'incident_decisions',
    'incident_containment_actions',
    'incident_tasks',
    'incident_role_assignments',
    'incident_panel_votes',
    'incident_panel_members',
    'incident_owner_history',
    'incident_report_links',
    'incidents',
  ]);
}
