// Files kept in an S3-compatible bucket (issue 19, item 2): with STOPLINE_FILE_STORE=s3 the bytes
// are objects in the bucket and this table records each one's size and SHA-256 as it was kept, so
// a read refuses an object changed in the bucket, whoever can write there.
import type { Kysely } from 'kysely';
import { columnTypes, type MigrationDialect } from './column-types.ts';
import { dropTables } from './schema-undo.ts';

export async function up(db: Kysely<unknown>, dialect: MigrationDialect): Promise<void> {
  const t = columnTypes(dialect);
  await db.schema
    .createTable('stored_objects')
    .addColumn('key', t.text, (c) => c.primaryKey())
    .addColumn('size', t.bigint, (c) => c.notNull())
    .addColumn('sha256', t.text, (c) => c.notNull())
    .addColumn('created_at', t.time, (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await dropTables(db, ['stored_objects']);
}
