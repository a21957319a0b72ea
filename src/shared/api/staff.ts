// GET /api/v1/staff: who works here, by name, for everyone who works on incidents (choosing an
// owner, a panel, a role holder or a task's assignee). No e-mail or contacts: those stay with
// /api/v1/users and the reports' contact permission.
import { z } from 'zod';
import { INCIDENT_SEATS } from '../domain/incidents.ts';
import { Time } from './times.ts';

export const StaffDirectory = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      displayName: z.string(),
      roles: z.array(z.string()),
      /** The incident seats they can be picked for (a read-only viewer: none). */
      seats: z.array(z.enum(INCIDENT_SEATS)),
      /** Away until then (an absence the person set); null when available. */
      awayUntil: Time.nullable(),
    }),
  ),
});
export type StaffDirectory = z.infer<typeof StaffDirectory>;
