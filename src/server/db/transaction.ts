// One use case, one transaction. After it commits, the events it appended go to the live stream
// (on PostgreSQL they already went, by NOTIFY at commit; see db/live-notices.ts), and the outbox
// workers of this process hear of the messages it enqueued (db/outbox-notices.ts).
import type { Transaction } from 'kysely';
import { collectAppended, publishCommitted } from './live-notices.ts';
import { collectEnqueued, publishEnqueued } from './outbox-notices.ts';
import type { Database, Db, Executor } from './schema.ts';

export async function inTransaction<T>(
  db: Db,
  work: (tx: Transaction<Database>) => Promise<T>,
): Promise<T> {
  const appended: number[] = [];
  let enqueued: ReturnType<typeof collectEnqueued> | null = null;
  const result = await db.transaction().execute((tx) => {
    collectAppended(tx, appended);
    enqueued = collectEnqueued(tx);
    return work(tx);
  });
  publishCommitted(db, appended);
  if (enqueued) publishEnqueued(db, enqueued);
  return result;
}

export type { Executor };
