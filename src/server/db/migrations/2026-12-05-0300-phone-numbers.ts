// A person's phone number for text messages and calls (issue 21, item 4): the SMS and voice
// channels go through a Twilio-compatible API the operator configures; the number is the person's.
import type { Kysely } from 'kysely';
import { columnTypes, type MigrationDialect } from './column-types.ts';
import { dropTables } from './schema-undo.ts';

export async function up(db: Kysely<unknown>, dialect: MigrationDialect): Promise<void> {
  const t = columnTypes(dialect);
  await db.schema
    .createTable('notification_phone_numbers')
    .addColumn('user_id', t.id, (c) => c.primaryKey())
    .addColumn('number', t.text, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await dropTables(db, ['notification_phone_numbers']);
}
