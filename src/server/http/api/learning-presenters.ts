// Learning answers (/api/v1/incidents/{ref}/postmortem): camelCase, times as RFC 3339, each
// section's Markdown also rendered safely (raw HTML off, allow-list sanitizer).
import type { z } from 'zod';
import type { Postmortem } from '../../../shared/api/learning.ts';
import type { PostmortemView } from '../../domain/learning/index.ts';
import { renderMarkdown } from '../public/markdown.ts';
import { presentTime } from './time-presenter.ts';

export function presentPostmortem(view: PostmortemView): z.input<typeof Postmortem> {
  const p = view.postmortem;
  return {
    id: p.id,
    incident: { id: p.incidentId, key: p.incidentKey },
    status: p.status,
    version: p.version,
    ownerId: p.ownerId,
    policyHash: p.policyHash,
    authorMayApprove: p.authorMayApprove,
    sections: p.sections.map((s) => ({
      id: s.sectionId,
      title: s.title,
      prompt: s.prompt,
      required: s.required,
      body: s.body,
      html: s.body === '' ? '' : renderMarkdown(s.body).toString(),
      updatedBy: s.updatedBy,
      updatedAt: presentTime(s.updatedAt),
    })),
    unansweredSections: view.unansweredSections,
    submittedBy: p.submittedBy,
    submittedAt: presentTime(p.submittedAt),
    approvedBy: p.approvedBy,
    approvedAt: presentTime(p.approvedAt),
    createdAt: presentTime(p.createdAt),
    updatedAt: presentTime(p.updatedAt),
  };
}
