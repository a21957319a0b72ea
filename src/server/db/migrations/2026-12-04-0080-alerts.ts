// Monitoring alerts (issue 18): the sources that may send them (each with its key stored hashed,
// and an optional signing secret sealed with the server key), every payload as received (stored
// and hashed before it is parsed), and the alerts themselves: one row per alert, projected from
// its stream. While an alert is open its dedup key is in `open_key`, unique per source, so a
// second trigger with the same key updates the open alert; once resolved, `open_key` is null and
// the next trigger is a new alert.
import type { Kysely } from 'kysely';
import { columnTypes, type MigrationDialect } from './column-types.ts';
import { dropTables } from './schema-undo.ts';

export async function up(db: Kysely<unknown>, dialect: MigrationDialect): Promise<void> {
  const t = columnTypes(dialect);
  await db.schema
    .createTable('alert_sources')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('name', t.text, (c) => c.notNull().unique())
    .addColumn('kind', t.text, (c) => c.notNull())
    .addColumn('key_hash', t.text, (c) => c.notNull().unique())
    .addColumn('key_hint', t.text, (c) => c.notNull())
    .addColumn('signing_secret', t.text)
    .addColumn('signature_header', t.text)
    .addColumn('mapping_json', t.text)
    .addColumn('rate_per_minute', t.int, (c) => c.notNull())
    .addColumn('enabled', t.int, (c) => c.notNull())
    .addColumn('created_by', t.id)
    .addColumn('created_at', t.time, (c) => c.notNull())
    .addColumn('updated_at', t.time, (c) => c.notNull())
    .addColumn('key_rotated_at', t.time)
    .execute();
  await db.schema
    .createTable('alert_payloads')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('source_id', t.id, (c) => c.notNull())
    .addColumn('received_at', t.time, (c) => c.notNull())
    .addColumn('sha256', t.text, (c) => c.notNull())
    .addColumn('size', t.int, (c) => c.notNull())
    .addColumn('content_type', t.text)
    .addColumn('encoding', t.text, (c) => c.notNull())
    .addColumn('body', t.text, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('alert_payloads_source')
    .on('alert_payloads')
    .columns(['source_id', 'received_at'])
    .execute();
  await db.schema
    .createTable('alerts')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('source_id', t.id, (c) => c.notNull())
    .addColumn('dedup_key', t.text, (c) => c.notNull())
    .addColumn('open_key', t.text)
    .addColumn('status', t.text, (c) => c.notNull())
    .addColumn('severity', t.text, (c) => c.notNull())
    .addColumn('summary', t.text, (c) => c.notNull())
    .addColumn('origin', t.text)
    .addColumn('labels_json', t.text, (c) => c.notNull())
    .addColumn('links_json', t.text, (c) => c.notNull())
    .addColumn('details_json', t.text, (c) => c.notNull())
    .addColumn('detected_at', t.time, (c) => c.notNull())
    .addColumn('first_seen_at', t.time, (c) => c.notNull())
    .addColumn('last_seen_at', t.time, (c) => c.notNull())
    .addColumn('acknowledged_at', t.time)
    .addColumn('resolved_at', t.time)
    .addColumn('count', t.int, (c) => c.notNull())
    .addColumn('last_payload_id', t.id, (c) => c.notNull())
    .addColumn('decision', t.text)
    .addColumn('rule_id', t.text)
    .addColumn('policy_hash', t.text)
    .addColumn('policy_revision', t.text)
    .addColumn('group_key', t.text)
    .addColumn('incident_id', t.id)
    .addColumn('decided_at', t.time)
    .addColumn('version', t.int, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('alerts_open_key')
    .on('alerts')
    .columns(['source_id', 'open_key'])
    .unique()
    .execute();
  await db.schema
    .createIndex('alerts_source_dedup')
    .on('alerts')
    .columns(['source_id', 'dedup_key'])
    .execute();
  await db.schema
    .createIndex('alerts_status_seen')
    .on('alerts')
    .columns(['status', 'last_seen_at'])
    .execute();
  await db.schema
    .createIndex('alerts_group')
    .on('alerts')
    .columns(['group_key', 'decided_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await dropTables(db, ['alerts', 'alert_payloads', 'alert_sources']);
}
