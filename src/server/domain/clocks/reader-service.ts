// The clocks' reads that need nothing but the database: `stopline deadlines` builds this reader
// alone on the database it opens and lists as the system actor (the operator at the server's
// console, who may read the whole database). Staff list through services.clocks, which leaves out
// the subjects they may not see.
import type { Db } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { type Actor, requirePermission } from '../actor.ts';
import {
  listDeadlines,
  type DeadlineListState,
  type DeadlineRecord,
} from './deadline-repository.ts';

export function createClocksReader({ db }: { db: Db }) {
  return {
    /**
     * Deadlines in one state, every subject's (restricted ones too): for a caller with the
     * deadlines.read permission who may see every subject, that is the system actor. Anyone else
     * is refused, and lists through the clocks module instead.
     */
    async listDeadlinesAs(
      actor: Actor,
      filter: { state: DeadlineListState; now: number; soonWithin: number; limit: number },
    ): Promise<DeadlineRecord[]> {
      requirePermission(actor, 'deadlines.read');
      if (actor.kind !== 'system') {
        // This list hides no restricted subject: it is the operator's view only.
        throw new AppError('FORBIDDEN', 'Only the operator at the console lists every deadline');
      }
      return listDeadlines(db, filter);
    },
  };
}

export type ClocksReader = ReturnType<typeof createClocksReader>;
