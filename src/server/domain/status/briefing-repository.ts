// Reads and writes of the stakeholder list (status_stakeholders: not a stream; who is on it is
// kept in the audit log) and reads of status_briefings (written by briefing-projection.ts).
import type { Executor } from '../../db/schema.ts';
import type { BriefingState } from './briefing-events.ts';

export interface Stakeholder {
  userId: string;
  label: string;
  addedBy: string | null;
  addedAt: number;
}

export async function listStakeholders(ex: Executor): Promise<Stakeholder[]> {
  const rows = await ex
    .selectFrom('status_stakeholders')
    .selectAll()
    .orderBy('added_at')
    .orderBy('user_id')
    .execute();
  return rows.map((r) => ({
    userId: r.user_id,
    label: r.label,
    addedBy: r.added_by,
    addedAt: Number(r.added_at),
  }));
}

/** Adds a stakeholder, or gives one on the list a new label. */
export async function putStakeholder(ex: Executor, s: Stakeholder): Promise<void> {
  await ex
    .insertInto('status_stakeholders')
    .values({ user_id: s.userId, label: s.label, added_by: s.addedBy, added_at: s.addedAt })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ label: s.label }))
    .execute();
}

export async function deleteStakeholder(ex: Executor, userId: string): Promise<boolean> {
  const result = await ex
    .deleteFrom('status_stakeholders')
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

export async function findBriefingState(
  ex: Executor,
  incidentId: string,
): Promise<BriefingState | null> {
  const row = await ex
    .selectFrom('status_briefings')
    .selectAll()
    .where('incident_id', '=', incidentId)
    .executeTakeFirst();
  return row
    ? {
        incidentId: row.incident_id,
        version: Number(row.version),
        sent: Number(row.sent),
        lastAt: Number(row.last_at),
      }
    : null;
}
