// alert_sources: the monitoring tools allowed to send alerts. Admin configuration, written here
// and audited by the source service; the key is stored as its SHA-256 only.
import type { Selectable } from 'kysely';
import type { AlertSourcesTable, Executor } from '../../db/schema.ts';
import type { AlertSourceKind } from '../../../shared/domain/alerts.ts';
import type { GenericMapping } from './intake-rules.ts';

export interface AlertSourceRecord {
  id: string;
  name: string;
  kind: AlertSourceKind;
  keyHash: string;
  keyHint: string;
  /** Sealed with the server key; null: no signature is checked. */
  signingSecret: string | null;
  signatureHeader: string | null;
  mapping: GenericMapping | null;
  ratePerMinute: number;
  enabled: boolean;
  createdBy: string | null;
  createdAt: number;
  updatedAt: number;
  keyRotatedAt: number | null;
}

function toRecord(r: Selectable<AlertSourcesTable>): AlertSourceRecord {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind as AlertSourceKind,
    keyHash: r.key_hash,
    keyHint: r.key_hint,
    signingSecret: r.signing_secret,
    signatureHeader: r.signature_header,
    mapping: r.mapping_json === null ? null : (JSON.parse(r.mapping_json) as GenericMapping),
    ratePerMinute: Number(r.rate_per_minute),
    enabled: Number(r.enabled) === 1,
    createdBy: r.created_by,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    keyRotatedAt: r.key_rotated_at === null ? null : Number(r.key_rotated_at),
  };
}

function toRow(s: AlertSourceRecord) {
  return {
    name: s.name,
    kind: s.kind,
    key_hash: s.keyHash,
    key_hint: s.keyHint,
    signing_secret: s.signingSecret,
    signature_header: s.signatureHeader,
    mapping_json: s.mapping === null ? null : JSON.stringify(s.mapping),
    rate_per_minute: s.ratePerMinute,
    enabled: s.enabled ? 1 : 0,
    created_by: s.createdBy,
    created_at: s.createdAt,
    updated_at: s.updatedAt,
    key_rotated_at: s.keyRotatedAt,
  };
}

export async function insertSource(ex: Executor, s: AlertSourceRecord): Promise<void> {
  await ex
    .insertInto('alert_sources')
    .values({ id: s.id, ...toRow(s) })
    .execute();
}

export async function updateSource(ex: Executor, s: AlertSourceRecord): Promise<void> {
  await ex.updateTable('alert_sources').set(toRow(s)).where('id', '=', s.id).execute();
}

export async function findSource(ex: Executor, id: string): Promise<AlertSourceRecord | null> {
  const row = await ex
    .selectFrom('alert_sources')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toRecord(row) : null;
}

export async function findSourceByKeyHash(
  ex: Executor,
  keyHash: string,
): Promise<AlertSourceRecord | null> {
  const row = await ex
    .selectFrom('alert_sources')
    .selectAll()
    .where('key_hash', '=', keyHash)
    .executeTakeFirst();
  return row ? toRecord(row) : null;
}

export async function findSourceByName(
  ex: Executor,
  name: string,
): Promise<AlertSourceRecord | null> {
  const row = await ex
    .selectFrom('alert_sources')
    .selectAll()
    .where('name', '=', name)
    .executeTakeFirst();
  return row ? toRecord(row) : null;
}

export async function listSources(ex: Executor): Promise<AlertSourceRecord[]> {
  const rows = await ex.selectFrom('alert_sources').selectAll().orderBy('name').execute();
  return rows.map(toRecord);
}

/** Names by id, for lists of alerts. */
export async function listSourceNames(
  ex: Executor,
  ids: readonly string[],
): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await ex
    .selectFrom('alert_sources')
    .select(['id', 'name'])
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}
