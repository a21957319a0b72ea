// Stand-alone follow-ups (issue 18, item 4): a follow-up no post-mortem holds, such as tuning the
// detection rule behind alerts marked as noise. Its post-mortem and incident are empty, and it
// names where it came from (`source_kind`, `source_id`, `source_json`: what proposed it). The
// answers to the alerts' tuning proposals (taken as a follow-up, or declined with the reason) are
// a projection of the proposals' streams. SQLite cannot drop NOT NULL: the table is rebuilt.
import { sql, type Kysely } from 'kysely';
import { columnTypes, type MigrationDialect } from './column-types.ts';
import { dropColumns, dropTables } from './schema-undo.ts';

const SOURCE = ['source_kind', 'source_id', 'source_json'] as const;

/** The columns of postmortem_follow_ups, in order, as the migrations before this one left them. */
const COLUMNS = [
  'id',
  'postmortem_id',
  'incident_id',
  'position',
  'title',
  'owner_id',
  'due_at',
  'priority',
  'type',
  'tracker_url',
  'policy_section',
  'status',
  'reason',
  'created_by',
  'created_at',
  'closed_at',
  'proposal_id',
  'tracker_connection',
  'tracker_key',
  'tracker_state',
] as const;

/** Rebuilds the SQLite table with the post-mortem and incident NOT NULL (`required`) or not. */
async function rebuildSqlite(db: Kysely<unknown>, required: boolean): Promise<void> {
  const t = columnTypes('sqlite');
  await db.schema
    .createTable('postmortem_follow_ups_next')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('postmortem_id', t.id, (c) => {
      const ref = c.references('postmortems.id');
      return required ? ref.notNull() : ref;
    })
    .addColumn('incident_id', t.id, (c) => (required ? c.notNull() : c))
    .addColumn('position', t.int, (c) => c.notNull())
    .addColumn('title', t.text, (c) => c.notNull())
    .addColumn('owner_id', t.id, (c) => c.notNull())
    .addColumn('due_at', t.time, (c) => c.notNull())
    .addColumn('priority', t.text, (c) => c.notNull())
    .addColumn('type', t.text, (c) => c.notNull())
    .addColumn('tracker_url', t.text)
    .addColumn('policy_section', t.text)
    .addColumn('status', t.text, (c) => c.notNull())
    .addColumn('reason', t.text)
    .addColumn('created_by', t.id)
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('closed_at', t.time)
    .addColumn('proposal_id', t.text)
    .addColumn('tracker_connection', t.text)
    .addColumn('tracker_key', t.text)
    .addColumn('tracker_state', t.text)
    .execute();
  const columns = sql.join(COLUMNS.map((c) => sql.ref(c)));
  const from = required ? sql`where postmortem_id is not null` : sql``;
  await sql`insert into postmortem_follow_ups_next (${columns}) select ${columns} from postmortem_follow_ups ${from}`.execute(
    db,
  );
  await db.schema.dropTable('postmortem_follow_ups').execute();
  await db.schema
    .alterTable('postmortem_follow_ups_next')
    .renameTo('postmortem_follow_ups')
    .execute();
  await db.schema
    .createIndex('postmortem_follow_ups_open')
    .on('postmortem_follow_ups')
    .columns(['status', 'due_at'])
    .execute();
}

export async function up(db: Kysely<unknown>, dialect: MigrationDialect): Promise<void> {
  const t = columnTypes(dialect);
  if (dialect === 'sqlite') {
    await rebuildSqlite(db, false);
  } else {
    for (const column of ['postmortem_id', 'incident_id']) {
      await db.schema
        .alterTable('postmortem_follow_ups')
        .alterColumn(column, (c) => c.dropNotNull())
        .execute();
    }
  }
  for (const column of SOURCE) {
    await db.schema.alterTable('postmortem_follow_ups').addColumn(column, t.text).execute();
  }
  await db.schema
    .createIndex('postmortem_follow_ups_source')
    .on('postmortem_follow_ups')
    .columns(['source_kind', 'source_id'])
    .execute();
  await db.schema
    .createTable('alert_tuning_answers')
    .addColumn('proposal_id', t.text, (c) => c.primaryKey())
    .addColumn('source_id', t.id, (c) => c.notNull())
    .addColumn('similar_key', t.text, (c) => c.notNull())
    /** taken or declined. */
    .addColumn('answer', t.text, (c) => c.notNull())
    .addColumn('follow_up_id', t.id)
    .addColumn('reason', t.text)
    .addColumn('answered_by', t.id)
    .addColumn('answered_at', t.time, (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>, dialect: MigrationDialect): Promise<void> {
  await dropTables(db, ['alert_tuning_answers']);
  await db.schema.dropIndex('postmortem_follow_ups_source').execute();
  await dropColumns(db, 'postmortem_follow_ups', [...SOURCE]);
  // Stand-alone follow-ups cannot be kept by the schema before: they go.
  if (dialect === 'sqlite') {
    await rebuildSqlite(db, true);
    return;
  }
  await sql`delete from postmortem_follow_ups where postmortem_id is null`.execute(db);
  for (const column of ['postmortem_id', 'incident_id']) {
    await db.schema
      .alterTable('postmortem_follow_ups')
      .alterColumn(column, (c) => c.setNotNull())
      .execute();
  }
}
