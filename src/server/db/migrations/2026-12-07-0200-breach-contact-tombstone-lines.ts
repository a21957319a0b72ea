// How many lines each contact-list tombstone removed (the breach record shows it): the
// `breach.contacts_redacted` event's `count`, kept on its `redactions` row (target_type
// breach_contacts, target `<breach id>:<seq>`) in `lines`; null for the other targets. The rows
// written before this get theirs from their event.
import type { Kysely } from 'kysely';
import { columnTypes, type MigrationDialect } from './column-types.ts';
import { dropColumns } from './schema-undo.ts';

type Rows = Kysely<Record<string, Record<string, string | number | null>>>;

export async function up(db: Kysely<unknown>, dialect: MigrationDialect): Promise<void> {
  const t = columnTypes(dialect);
  await db.schema.alterTable('redactions').addColumn('lines', t.int).execute();
  const d = db as Rows;
  const events = await d
    .selectFrom('events')
    .select(['stream_id', 'seq', 'data_json'])
    .where('type', '=', 'breach.contacts_redacted')
    .execute();
  for (const e of events) {
    const { count } = JSON.parse(String(e.data_json)) as { count: number };
    await d
      .updateTable('redactions')
      .set({ lines: count })
      .where('target_type', '=', 'breach_contacts')
      .where('target_id', '=', `${e.stream_id}:${Number(e.seq)}`)
      .execute();
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await dropColumns(db, 'redactions', ['lines']);
}
