// Staff accounts, sessions, API tokens, one-time links, sign-in counters and the audit trail.
import { sql, type Kysely } from 'kysely';
import { columnTypes, type MigrationDialect } from './column-types.ts';
import { dropTables } from './schema-undo.ts';

export async function up(db: Kysely<unknown>, dialect: MigrationDialect): Promise<void> {
  const t = columnTypes(dialect);
  await db.schema
    .createTable('users')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('email', t.text, (c) => c.notNull().unique())
    .addColumn('display_name', t.text, (c) => c.notNull())
    .addColumn('roles_json', t.text, (c) => c.notNull())
    .addColumn('status', t.text, (c) => c.notNull().check(sql`status in ('active', 'disabled')`))
    .addColumn('password_hash', t.text)
    .addColumn('away_until', t.time)
    .addColumn('contacts_json', t.text, (c) => c.notNull())
    .addColumn('mfa_secret', t.text)
    .addColumn('mfa_pending_secret', t.text)
    .addColumn('mfa_last_counter', t.bigint)
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id_hash', t.text, (c) => c.primaryKey())
    .addColumn('user_id', t.id, (c) => c.notNull().references('users.id'))
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('last_seen_at', t.time, (c) => c.notNull())
    .addColumn('expires_at', t.time, (c) => c.notNull())
    .addColumn('ended_at', t.time)
    .addColumn('ip', t.text)
    .addColumn('user_agent', t.text)
    .execute();
  await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('user_id', t.id, (c) => c.notNull().references('users.id'))
    .addColumn('name', t.text, (c) => c.notNull())
    .addColumn('token_hash', t.text, (c) => c.notNull().unique())
    .addColumn('permissions_json', t.text, (c) => c.notNull())
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('expires_at', t.time)
    .addColumn('revoked_at', t.time)
    .addColumn('last_used_at', t.time)
    .execute();
  await db.schema.createIndex('api_tokens_user').on('api_tokens').column('user_id').execute();

  await db.schema
    .createTable('recovery_codes')
    .addColumn('code_hash', t.text, (c) => c.primaryKey())
    .addColumn('user_id', t.id, (c) => c.notNull().references('users.id'))
    .addColumn('used_at', t.time)
    .execute();
  await db.schema
    .createIndex('recovery_codes_user')
    .on('recovery_codes')
    .column('user_id')
    .execute();

  await db.schema
    .createTable('one_time_links')
    .addColumn('token_hash', t.text, (c) => c.primaryKey())
    .addColumn('purpose', t.text, (c) =>
      c.notNull().check(sql`purpose in ('setup', 'set_password')`),
    )
    .addColumn('user_id', t.id, (c) => c.references('users.id'))
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('expires_at', t.time, (c) => c.notNull())
    .addColumn('used_at', t.time)
    .execute();

  // OpenID Connect sign-ins in progress: the PKCE verifier, state and nonce of each, for minutes.
  await db.schema
    .createTable('oidc_logins')
    .addColumn('flow_hash', t.text, (c) => c.primaryKey())
    .addColumn('state', t.text, (c) => c.notNull())
    .addColumn('nonce', t.text, (c) => c.notNull())
    .addColumn('code_verifier', t.text, (c) => c.notNull())
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('expires_at', t.time, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('sign_in_counters')
    .addColumn('key', t.text, (c) => c.primaryKey())
    .addColumn('window_start', t.time, (c) => c.notNull())
    .addColumn('failures', t.int, (c) => c.notNull())
    .addColumn('locked_until', t.time)
    .execute();

  // One hash chain over the whole audit trail; audit_head (a single row) is both its lock and
  // the record of its end, so a removed last entry is detected.
  await db.schema
    .createTable('audit_log')
    .addColumn('seq', t.bigint, (c) => c.primaryKey())
    .addColumn('id', t.id, (c) => c.notNull().unique())
    .addColumn('at', t.time, (c) => c.notNull())
    .addColumn('actor_kind', t.text, (c) => c.notNull())
    .addColumn('actor_id', t.id)
    .addColumn('ip', t.text)
    .addColumn('user_agent', t.text)
    .addColumn('action', t.text, (c) => c.notNull())
    .addColumn('target_type', t.text)
    .addColumn('target_id', t.text)
    .addColumn('detail_json', t.text, (c) => c.notNull())
    .addColumn('prev_hash', t.text, (c) => c.notNull())
    .addColumn('hash', t.text, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute();
  await db.schema
    .createIndex('audit_log_action_at')
    .on('audit_log')
    .columns(['action', 'at'])
    .execute();
  await db.schema
    .createTable('audit_head')
    .addColumn('id', t.int, (c) => c.primaryKey())
    .addColumn('seq', t.bigint, (c) => c.notNull())
    .addColumn('head_hash', t.text, (c) => c.notNull())
    .execute();
  await db
    .insertInto('audit_head' as never)
    .values({ id: 1, seq: 0, head_hash: '0'.repeat(64) } as never)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await dropTables(db, [
    'audit_head',
    'audit_log',
    'sign_in_counters',
    'oidc_logins',
    'one_time_links',
    'recovery_codes',
    'api_tokens',
    'sessions',
    'users',
  ]);
}
