// Alert triage in the console (issue 18, item 4): an alert can be snoozed until a time, marked as
// noise with a reason (who, when), and is grouped with similar alerts by its similar key (see
// alerts/triage-rules.ts). Existing alerts get their similar key here.
import type { Kysely } from 'kysely';
import { columnTypes, type MigrationDialect } from './column-types.ts';
import { dropColumns } from './schema-undo.ts';

/** Frozen copy of alerts/triage-rules.ts's similarKeyOf (migrations import nothing from the app). */
function similarKeyOf(labels: Record<string, string>, dedupKey: string): string {
  for (const name of ['alertname', 'class', 'service']) {
    const value = labels[name];
    if (value !== undefined && value !== '') return `${name}=${value}`;
  }
  return `dedup=${dedupKey}`;
}

export async function up(db: Kysely<unknown>, dialect: MigrationDialect): Promise<void> {
  const t = columnTypes(dialect);
  for (const [name, type] of [
    ['similar_key', t.text],
    ['snoozed_until', t.time],
    ['noise_at', t.time],
    ['noise_reason', t.text],
    ['noise_by', t.id],
  ] as const) {
    await db.schema.alterTable('alerts').addColumn(name, type).execute();
  }
  const d = db as Kysely<{
    alerts: { id: string; labels_json: string; dedup_key: string; similar_key: string | null };
  }>;
  const rows = await d.selectFrom('alerts').select(['id', 'labels_json', 'dedup_key']).execute();
  for (const r of rows) {
    const labels = JSON.parse(r.labels_json) as Record<string, string>;
    await d
      .updateTable('alerts')
      .set({ similar_key: similarKeyOf(labels, r.dedup_key) })
      .where('id', '=', r.id)
      .execute();
  }
  await db.schema
    .createIndex('alerts_similar')
    .on('alerts')
    .columns(['source_id', 'similar_key'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('alerts_similar').execute();
  await dropColumns(db, 'alerts', [
    'noise_by',
    'noise_reason',
    'noise_at',
    'snoozed_until',
    'similar_key',
  ]);
}
