// What other subjects may ask of an incident's breach record without the rest of the breach
// subject: built before incidents (learning weighs it when an incident closes), so it needs only
// the transaction it is handed.
import type { Executor } from '../../db/schema.ts';
import { findBreachByIncident } from './breach-repository.ts';
import { currentDeterminations } from './breach-state.ts';

export function createBreachReader() {
  return {
    /**
     * Whether the incident's breach record says personal data was breached: confirmed, or the
     * determination in force says personal data is involved (and it was not ruled no breach).
     */
    async isPersonalDataBreach(tx: Executor, incidentId: string): Promise<boolean> {
      const breach = await findBreachByIncident(tx, incidentId);
      if (!breach || breach.status === 'not_a_breach') return false;
      return (
        breach.status === 'confirmed' ||
        currentDeterminations(breach).personal_data_involved?.value === true
      );
    },
  };
}

export type BreachReader = ReturnType<typeof createBreachReader>;
