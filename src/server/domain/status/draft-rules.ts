// Four-eyes publishing, as pure decisions: whether a text for a public incident needs a second
// person (the policy's communications.publishing.fourEyes, per severity of the internal incident
// it speaks for or per public impact), and how a draft is written, approved and rejected. The
// approver is never the writer, and approves the exact content (its hash) against the incident
// as the writer saw it.
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../db/hash-chain.ts';
import { AppError } from '../../errors.ts';
import type { IncidentImpact } from '../../../shared/domain/status.ts';
import type { Publishing } from '../policy/index.ts';
import { draftEvent, type DraftContent, type DraftEvent } from './draft-events.ts';
import type { StatusDraftState } from './draft-state.ts';

export const FOUR_EYES_RULE = 'communications.publishing.fourEyes';

/** What the four-eyes rule looks at: the public impact and the internal incident's severity. */
export interface FourEyesFacts {
  impact: IncidentImpact;
  /** The severity of the internal incident it speaks for (null: none, or none set). */
  severity: string | null;
}

export function needsSecondPerson(publishing: Publishing, facts: FourEyesFacts): boolean {
  const { severities, impacts } = publishing.fourEyes;
  return (
    impacts.includes(facts.impact) ||
    (facts.severity !== null && severities.includes(facts.severity))
  );
}

/**
 * Refuses publishing alone when any of the states a change passes through (before and after, so
 * lowering the impact does not escape the rule) needs a second person.
 */
export function assertMayPublishAlone(publishing: Publishing, ...facts: FourEyesFacts[]): void {
  if (!facts.some((f) => needsSecondPerson(publishing, f))) return;
  throw new AppError(
    'RULE_REFUSED',
    'The policy asks for a second person here: write a draft (POST /api/v1/status/drafts) for ' +
      'another member of staff who may publish to approve',
    { rule: FOUR_EYES_RULE },
  );
}

export function contentHash(content: DraftContent): string {
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

export function writeDraft(
  content: DraftContent,
  target: { id: string; version: number } | null,
): DraftEvent[] {
  return [
    draftEvent('status.draft_written', {
      publicIncidentId: target?.id ?? null,
      incidentVersion: target?.version ?? null,
      content,
      contentHash: contentHash(content),
    }),
  ];
}

function assertPending(draft: StatusDraftState) {
  if (draft.stage !== 'pending') {
    throw new AppError('RULE_REFUSED', `This draft was already ${draft.stage}`, {
      stage: draft.stage,
    });
  }
}

/**
 * Approving publishes: by someone other than the writer, while the public incident is as the
 * writer saw it (`incidentVersion`: its version now, null for a new incident).
 */
export function approveDraft(
  draft: StatusDraftState,
  approverId: string,
  incidentVersion: number | null,
  published: { publicIncidentId: string; updateId: string },
): DraftEvent[] {
  assertPending(draft);
  if (draft.draftedBy === approverId) {
    throw new AppError(
      'RULE_REFUSED',
      'You wrote this draft: another member of staff who may publish approves it',
      { rule: FOUR_EYES_RULE },
    );
  }
  if (incidentVersion !== draft.incidentVersion) {
    throw new AppError(
      'CONFLICT',
      'The public incident changed since this draft was written: reject it and write it again',
      { draftVersion: draft.incidentVersion, currentVersion: incidentVersion },
    );
  }
  return [draftEvent('status.draft_approved', { contentHash: draft.contentHash, ...published })];
}

export function rejectDraft(draft: StatusDraftState, reason: string): DraftEvent[] {
  assertPending(draft);
  return [draftEvent('status.draft_rejected', { reason })];
}
