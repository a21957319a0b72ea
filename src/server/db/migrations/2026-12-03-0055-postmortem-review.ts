// A post-mortem's review as the policy runs it (issue 14, item 2): the reviewers named in
// advance, each approval (as many as the policy asks), and a skip with its reason. A projection
// of the post-mortem streams; lists are JSON text (ids and times, read whole with the row).
import type { Kysely } from 'kysely';
import { columnTypes, type MigrationDialect } from './column-types.ts';
import { dropColumns } from './schema-undo.ts';

export async function up(db: Kysely<unknown>, dialect: MigrationDialect): Promise<void> {
  const t = columnTypes(dialect);
  const table = () => db.schema.alterTable('postmortems');
  await table()
    .addColumn('reviewer_ids', t.text, (c) => c.notNull().defaultTo('[]'))
    .execute();
  await table()
    .addColumn('approvals', t.text, (c) => c.notNull().defaultTo('[]'))
    .execute();
  await table()
    .addColumn('approvals_required', t.int, (c) => c.notNull().defaultTo(1))
    .execute();
  await table().addColumn('skip_reason', t.text).execute();
  await table().addColumn('skipped_by', t.id).execute();
  await table().addColumn('skipped_at', t.time).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await dropColumns(db, 'postmortems', [
    'reviewer_ids',
    'approvals',
    'approvals_required',
    'skip_reason',
    'skipped_by',
    'skipped_at',
  ]);
}
