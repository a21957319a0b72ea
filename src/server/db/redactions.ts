// What was redacted (issue 19, retention and redaction): the rows the tombstone events project
// (`report.redacted`, `mail.redacted`, `breach.contacts_redacted`), and the stored files they
// remove. A file is removed from the file store only after the tombstone is committed (the store
// is not in the transaction); a removal that fails is retried by the next caller or housekeeping
// round, so none is forgotten.
import { newId } from '../ids.ts';
import type { FileStore } from './file-store.ts';
import type { Db, Executor } from './schema.ts';

export interface NewRedaction {
  streamId: string;
  targetType: 'report' | 'attachment' | 'mail' | 'breach_contacts';
  targetId: string;
  field: string;
  rule: string;
  reason: string;
  removedHash: string;
  /** breach_contacts: how many lines of the contact list went; the others leave it out. */
  lines?: number;
  actorId: string | null;
  at: number;
  fileKey: string | null;
}

export async function insertRedaction(tx: Executor, r: NewRedaction): Promise<void> {
  await tx
    .insertInto('redactions')
    .values({
      id: newId(),
      stream_id: r.streamId,
      target_type: r.targetType,
      target_id: r.targetId,
      field: r.field,
      rule: r.rule,
      reason: r.reason,
      removed_hash: r.removedHash,
      lines: r.lines ?? null,
      actor_id: r.actorId,
      at: r.at,
      file_key: r.fileKey,
      file_removed_at: null,
    })
    .execute();
}

/**
 * Removes the stored files of committed redactions not removed yet (every store: the data
 * folder, the database's files table, the S3 bucket) and marks each done. Answers how many.
 */
export async function removeRedactedFiles(
  db: Db,
  files: Pick<FileStore, 'remove'>,
  now: number,
): Promise<number> {
  const pending = await db
    .selectFrom('redactions')
    .select(['id', 'file_key'])
    .where('file_key', 'is not', null)
    .where('file_removed_at', 'is', null)
    .execute();
  for (const row of pending) {
    await files.remove(row.file_key!);
    await db
      .updateTable('redactions')
      .set({ file_removed_at: now })
      .where('id', '=', row.id)
      .execute();
  }
  return pending.length;
}
