// The imported contact lists of breach records: personal data kept outside the event log so the
// retention rule can delete it. Written and read only by the breach subject's notice use cases.
import type { Executor } from '../../db/schema.ts';
import { newId } from '../../ids.ts';
import type { ImportedContact } from './contact-import.ts';

export interface Contact extends ImportedContact {
  id: string;
  importedAt: number;
  importedBy: string | null;
}

/** Replaces the record's list with these people (a new import is the list from now on). */
export async function replaceContacts(
  tx: Executor,
  breachId: string,
  contacts: readonly ImportedContact[],
  by: string | null,
  at: number,
): Promise<void> {
  await tx.deleteFrom('breach_contacts').where('breach_id', '=', breachId).execute();
  for (let i = 0; i < contacts.length; i += 500) {
    await tx
      .insertInto('breach_contacts')
      .values(
        contacts.slice(i, i + 500).map((c) => ({
          id: newId(),
          breach_id: breachId,
          line: c.line,
          name: c.name,
          email: c.email,
          fields_json: JSON.stringify(c.fields),
          imported_at: at,
          imported_by: by,
        })),
      )
      .execute();
  }
}

export async function listContacts(executor: Executor, breachId: string): Promise<Contact[]> {
  const rows = await executor
    .selectFrom('breach_contacts')
    .selectAll()
    .where('breach_id', '=', breachId)
    .orderBy('line')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    line: Number(r.line),
    name: r.name,
    email: r.email,
    fields: JSON.parse(r.fields_json) as Record<string, string>,
    importedAt: Number(r.imported_at),
    importedBy: r.imported_by,
  }));
}

/** The breach records that hold a contact list, with what the retention rule reads of them. */
export async function listRecordsWithContacts(executor: Executor) {
  const rows = await executor
    .selectFrom('breaches')
    .select(['id', 'status', 'updated_at'])
    .where('id', 'in', executor.selectFrom('breach_contacts').select('breach_id'))
    .execute();
  const sent = await executor
    .selectFrom('breach_notices')
    .select(['id', 'breach_id', 'sent_at'])
    .where('sent_at', 'is not', null)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    status: r.status,
    updatedAt: Number(r.updated_at),
    /** The notices sent to the list (their e-mails carry the people's addresses). */
    noticeIds: sent.filter((s) => s.breach_id === r.id).map((s) => s.id),
    lastSentAt: Math.max(
      0,
      ...sent.filter((s) => s.breach_id === r.id).map((s) => Number(s.sent_at)),
    ),
  }));
}

export async function deleteContacts(tx: Executor, breachId: string): Promise<number> {
  const result = await tx
    .deleteFrom('breach_contacts')
    .where('breach_id', '=', breachId)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Erasure: these people leave the record's list. */
export async function deleteContactsById(
  tx: Executor,
  breachId: string,
  ids: readonly string[],
): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await tx
    .deleteFrom('breach_contacts')
    .where('breach_id', '=', breachId)
    .where('id', 'in', [...ids])
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
