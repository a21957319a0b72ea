// Containment hooks as stored: the admin's outbound hooks (secret sealed), read and written here.
import type { Selectable } from 'kysely';
import type { ContainmentHooksTable, Executor } from '../../db/schema.ts';

export type HookAuth = 'standard_webhooks' | 'bearer';
export type HookMethod = 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ContainmentHookRecord {
  id: string;
  name: string;
  url: string;
  revertUrl: string | null;
  method: HookMethod;
  auth: HookAuth;
  /** Sealed with the server key. */
  secret: string;
  enabled: boolean;
  createdBy: string | null;
  createdAt: number;
  updatedAt: number;
}

function toRecord(r: Selectable<ContainmentHooksTable>): ContainmentHookRecord {
  return {
    id: r.id,
    name: r.name,
    url: r.url,
    revertUrl: r.revert_url,
    method: r.method as HookMethod,
    auth: r.auth as HookAuth,
    secret: r.secret,
    enabled: Boolean(r.enabled),
    createdBy: r.created_by,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

function toRow(h: ContainmentHookRecord) {
  return {
    id: h.id,
    name: h.name,
    url: h.url,
    revert_url: h.revertUrl,
    method: h.method,
    auth: h.auth,
    secret: h.secret,
    enabled: h.enabled ? 1 : 0,
    created_by: h.createdBy,
    created_at: h.createdAt,
    updated_at: h.updatedAt,
  };
}

export async function findHook(tx: Executor, id: string): Promise<ContainmentHookRecord | null> {
  const row = await tx
    .selectFrom('containment_hooks')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toRecord(row) : null;
}

export async function findHookByName(tx: Executor, name: string) {
  const row = await tx
    .selectFrom('containment_hooks')
    .selectAll()
    .where('name', '=', name)
    .executeTakeFirst();
  return row ? toRecord(row) : null;
}

export async function listHooks(tx: Executor): Promise<ContainmentHookRecord[]> {
  const rows = await tx.selectFrom('containment_hooks').selectAll().orderBy('name').execute();
  return rows.map(toRecord);
}

export async function insertHook(tx: Executor, h: ContainmentHookRecord): Promise<void> {
  await tx.insertInto('containment_hooks').values(toRow(h)).execute();
}

export async function updateHook(tx: Executor, h: ContainmentHookRecord): Promise<void> {
  const { id: _id, ...row } = toRow(h);
  await tx.updateTable('containment_hooks').set(row).where('id', '=', h.id).execute();
}
