// Reads of the learning tables: plain camelCase records out. The one writer is
// learning-projection.ts.
import type { Executor } from '../../db/schema.ts';
import type { PostmortemStatus } from '../../../shared/domain/learning.ts';
import type { PostmortemState } from './learning-state.ts';

const time = (value: number | null) => (value === null ? null : Number(value));

export async function findPostmortemByIncident(
  ex: Executor,
  incidentId: string,
): Promise<PostmortemState | null> {
  const row = await ex
    .selectFrom('postmortems')
    .selectAll()
    .where('incident_id', '=', incidentId)
    .executeTakeFirst();
  if (!row) return null;
  const sections = await ex
    .selectFrom('postmortem_sections')
    .selectAll()
    .where('postmortem_id', '=', row.id)
    .orderBy('position')
    .execute();
  return {
    id: row.id,
    version: Number(row.version),
    incidentId: row.incident_id,
    incidentKey: row.incident_key,
    status: row.status as PostmortemStatus,
    ownerId: row.owner_id,
    policyHash: row.policy_hash,
    authorMayApprove: Boolean(row.author_may_approve),
    sections: sections.map((s) => ({
      sectionId: s.section_id,
      title: s.title,
      prompt: s.prompt,
      required: Boolean(s.required),
      body: s.body,
      updatedBy: s.updated_by,
      updatedAt: time(s.updated_at),
    })),
    submittedBy: row.submitted_by,
    submittedAt: time(row.submitted_at),
    approvedBy: row.approved_by,
    approvedAt: time(row.approved_at),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}
