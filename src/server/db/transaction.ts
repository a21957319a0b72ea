// One use case, one transaction.
import type { Db, Executor } from './schema.ts';
import type { Transaction } from 'kysely';
import type { Database } from './schema.ts';

export function inTransaction<T>(
  db: Db,
  work: (tx: Transaction<Database>) => Promise<T>,
): Promise<T> {
  return db.transaction().execute(work);
}

export type { Executor };
