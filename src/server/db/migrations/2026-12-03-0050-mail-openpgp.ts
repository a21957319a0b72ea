// OpenPGP for reports by e-mail: the team's key pair (the private key sealed with the server key,
// as TOTP secrets are), the public keys reporters sent us (by address, for encrypted replies), and
// each inbound message's encryption and signature verdict.
import type { Kysely } from 'kysely';
import { columnTypes, type MigrationDialect } from './column-types.ts';
import { dropColumns, dropTables } from './schema-undo.ts';

export async function up(db: Kysely<unknown>, dialect: MigrationDialect): Promise<void> {
  const t = columnTypes(dialect);
  await db.schema
    .createTable('mail_team_keys')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('fingerprint', t.text, (c) => c.notNull())
    .addColumn('public_key', t.text, (c) => c.notNull())
    .addColumn('private_key_sealed', t.text, (c) => c.notNull())
    .addColumn('origin', t.text, (c) => c.notNull())
    .addColumn('created_at', t.time, (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('mail_sender_keys')
    .addColumn('address', t.text, (c) => c.primaryKey())
    .addColumn('fingerprint', t.text, (c) => c.notNull())
    .addColumn('public_key', t.text, (c) => c.notNull())
    .addColumn('created_at', t.time, (c) => c.notNull())
    .execute();
  await db.schema.alterTable('inbound_mail').addColumn('pgp_json', t.text).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await dropColumns(db, 'inbound_mail', ['pgp_json']);
  await dropTables(db, ['mail_sender_keys', 'mail_team_keys']);
}
