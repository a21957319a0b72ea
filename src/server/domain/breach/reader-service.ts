// What other subjects may ask of an incident's breach record without the rest of the breach
// subject: built before incidents (learning weighs it when an incident closes), so it needs only
// the transaction it is handed.
import type { Executor } from '../../db/schema.ts';
import type { BreachFacts } from './breach-events.ts';
import { findBreachByIncident } from './breach-repository.ts';
import { currentDeterminations, type BreachState } from './breach-state.ts';

/** Confirmed, or the determination in force says personal data is involved (not ruled out). */
function isPersonalData(breach: BreachState | null): breach is BreachState {
  if (!breach || breach.status === 'not_a_breach') return false;
  return (
    breach.status === 'confirmed' ||
    currentDeterminations(breach).personal_data_involved?.value === true
  );
}

export function createBreachReader() {
  return {
    /**
     * Whether the incident's breach record says personal data was breached: confirmed, or the
     * determination in force says personal data is involved (and it was not ruled no breach).
     */
    async isPersonalDataBreach(tx: Executor, incidentId: string): Promise<boolean> {
      return isPersonalData(await findBreachByIncident(tx, incidentId));
    },

    /**
     * The breach record's facts (GDPR Art. 33(3)) when personal data was breached, as
     * isPersonalDataBreach weighs it; null otherwise. For the final reports.
     */
    async findPersonalDataFacts(tx: Executor, incidentId: string): Promise<BreachFacts | null> {
      const breach = await findBreachByIncident(tx, incidentId);
      return isPersonalData(breach) ? breach.facts : null;
    },
  };
}

export type BreachReader = ReturnType<typeof createBreachReader>;
