// Stand-alone follow-ups go to the development trackers too (issue 18, item 5): an issue Stopline
// opened for a follow-up no incident holds has no incident (`incident_id`, `incident_key` null).
// SQLite cannot drop NOT NULL: the table is rebuilt, with its constraint and indexes.
import { sql, type Kysely } from 'kysely';
import { columnTypes, type MigrationDialect } from './column-types.ts';

/** The columns of tracker_issues, in order, as the migrations before this one left them. */
const COLUMNS = [
  'id',
  'connection_id',
  'incident_id',
  'incident_key',
  'cause',
  'cause_id',
  'status',
  'url',
  'external_key',
  'state',
  'last_error',
  'attempts',
  'closed_at',
  'next_check_at',
  'created_at',
  'updated_at',
] as const;

const INCIDENT = ['incident_id', 'incident_key'] as const;

/** Rebuilds the SQLite table with the incident NOT NULL (`required`) or not. */
async function rebuildSqlite(db: Kysely<unknown>, required: boolean): Promise<void> {
  const t = columnTypes('sqlite');
  await db.schema
    .createTable('tracker_issues_next')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('connection_id', t.id, (c) => c.notNull())
    .addColumn('incident_id', t.id, (c) => (required ? c.notNull() : c))
    .addColumn('incident_key', t.text, (c) => (required ? c.notNull() : c))
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
  const columns = sql.join(COLUMNS.map((c) => sql.ref(c)));
  const from = required ? sql`where incident_id is not null` : sql``;
  await sql`insert into tracker_issues_next (${columns}) select ${columns} from tracker_issues ${from}`.execute(
    db,
  );
  await db.schema.dropTable('tracker_issues').execute();
  await db.schema.alterTable('tracker_issues_next').renameTo('tracker_issues').execute();
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

export async function up(db: Kysely<unknown>, dialect: MigrationDialect): Promise<void> {
  if (dialect === 'sqlite') {
    await rebuildSqlite(db, false);
    return;
  }
  for (const column of INCIDENT) {
    await db.schema
      .alterTable('tracker_issues')
      .alterColumn(column, (c) => c.dropNotNull())
      .execute();
  }
}

export async function down(db: Kysely<unknown>, dialect: MigrationDialect): Promise<void> {
  // A stand-alone follow-up's issues cannot be kept by the schema before: they go.
  if (dialect === 'sqlite') {
    await rebuildSqlite(db, true);
    return;
  }
  await sql`delete from tracker_issues where incident_id is null`.execute(db);
  for (const column of INCIDENT) {
    await db.schema
      .alterTable('tracker_issues')
      .alterColumn(column, (c) => c.setNotNull())
      .execute();
  }
}
