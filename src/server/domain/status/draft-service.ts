// Four-eyes publishing, one transaction each: one member of staff writes a draft (checked as if
// it were published now, recorded internally and shown nowhere public), another approves it,
// which publishes the exact content on the public incident and meets the customer clocks, or
// rejects it with a reason. The writer never approves their own draft.
import type { Executor } from '../../db/schema.ts';
import { inTransaction } from '../../db/transaction.ts';
import { AppError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import type { Actor } from '../actor.ts';
import type { IncidentImpact } from '../../../shared/domain/status.ts';
import type { DraftContent } from './draft-events.ts';
import { appendToDraft } from './draft-projection.ts';
import * as drafts from './draft-repository.ts';
import * as draftRules from './draft-rules.ts';
import type { DraftStage, StatusDraftState } from './draft-state.ts';
import type { Publishing, StaffIncidentView, StatusModulePorts } from './publishing.ts';
import type { UpdateInput } from './status-rules.ts';

export interface DraftInput {
  /** The public incident to update; null: the draft opens a new one. */
  publicIncidentId: string | null;
  /** A new incident's name (required then), or a new name for an existing one. */
  name?: string | undefined;
  impact?: IncidentImpact | undefined;
  /** A new incident only: when it began, and the internal incident it speaks for. */
  startedAt?: number | null | undefined;
  internalIncident?: string | null | undefined;
  update: UpdateInput;
}

export interface ApprovedDraft {
  draft: StatusDraftState;
  incident: StaffIncidentView;
}

const invalid = (field: string, message: string) =>
  new AppError('VALIDATION', message, { errors: [{ field, message }] });

export function createDraftService(ports: StatusModulePorts, publishing: Publishing) {
  const { db, clock } = ports;

  async function loadDraft(tx: Executor, id: string): Promise<StatusDraftState> {
    const draft = await drafts.findDraft(tx, id);
    if (!draft) throw new AppError('NOT_FOUND', 'Draft was not found');
    return draft;
  }

  /** A new incident's link is shown only to those who may see the internal incident. */
  async function viewOf(
    ex: Executor,
    actor: Actor,
    draft: StatusDraftState,
  ): Promise<StatusDraftState> {
    const link = draft.content.opens?.internalIncident;
    if (!link) return draft;
    const sight = await ports.incidents.findSight(ex, actor, link.id);
    if (sight?.visible) return draft;
    const opens = { ...draft.content.opens!, internalIncident: null };
    return { ...draft, content: { ...draft.content, opens } };
  }

  async function contentOf(
    tx: Executor,
    actor: Actor,
    input: DraftInput,
    now: number,
  ): Promise<{ content: DraftContent; target: { id: string; version: number } | null }> {
    if (input.publicIncidentId === null) {
      if (input.name === undefined) throw invalid('name', 'A new public incident needs a name');
      const opens = {
        name: input.name,
        impact: input.impact ?? 'none',
        startedAt: input.startedAt ?? null,
        internalIncident: await publishing.linkTarget(tx, actor, input.internalIncident ?? null),
      };
      await publishing.checkPublishable(tx, null, opens, input.update, now);
      return { content: { opens, changes: {}, update: input.update }, target: null };
    }
    if (input.startedAt != null) throw invalid('startedAt', 'Only a new incident takes a start');
    if (input.internalIncident != null) {
      throw invalid('internalIncident', 'Link an existing incident with PATCH, not in a draft');
    }
    const state = await publishing.loadIncident(tx, input.publicIncidentId);
    const changes: DraftContent['changes'] = {};
    if (input.name !== undefined && input.name !== state.name) changes.name = input.name;
    if (input.impact !== undefined && input.impact !== state.impact) changes.impact = input.impact;
    await publishing.checkPublishable(tx, state, null, input.update, now);
    return {
      content: { opens: null, changes, update: input.update },
      target: { id: state.id, version: state.version },
    };
  }

  return {
    /** Writes a draft for a second person to approve; nothing of it is public. */
    async writeDraft(actor: Actor, input: DraftInput): Promise<StatusDraftState> {
      return inTransaction(db, async (tx) => {
        const now = clock.now();
        const { content, target } = await contentOf(tx, actor, input, now);
        const events = draftRules.writeDraft(content, target);
        const draft = await appendToDraft(tx, newId(), null, events, actor.userId, now);
        return viewOf(tx, actor, draft);
      });
    },

    async getDraft(actor: Actor, id: string): Promise<StatusDraftState> {
      return viewOf(db, actor, await loadDraft(db, id));
    },

    async listDrafts(
      actor: Actor,
      filter: {
        stage?: DraftStage | undefined;
        publicIncidentId?: string | undefined;
        limit: number;
      },
    ): Promise<StatusDraftState[]> {
      const found = await drafts.listDrafts(db, filter);
      return Promise.all(found.map((d) => viewOf(db, actor, d)));
    },

    /** A second person approves: the exact content is published now, as if they published it. */
    async approveDraft(actor: Actor, id: string): Promise<ApprovedDraft> {
      if (actor.userId === null) throw new AppError('FORBIDDEN', 'A person approves a draft');
      const approver = actor.userId;
      const approved = await inTransaction(db, async (tx) => {
        const now = clock.now();
        const draft = await loadDraft(tx, id);
        const { opens, changes, update } = draft.content;
        const state =
          draft.publicIncidentId === null
            ? null
            : await publishing.loadIncident(tx, draft.publicIncidentId);
        const published = { publicIncidentId: state?.id ?? newId(), updateId: newId() };
        const events = draftRules.approveDraft(draft, approver, state?.version ?? null, published);
        const after =
          state === null
            ? await publishing.publishNew(
                tx,
                actor,
                published.publicIncidentId,
                { ...opens!, ...update },
                opens!.internalIncident,
                now,
                published.updateId,
              )
            : await publishing.publishOn(
                tx,
                actor,
                state,
                changes,
                update,
                now,
                published.updateId,
              );
        const decided = await appendToDraft(tx, id, draft, events, approver, now);
        return {
          draft: await viewOf(tx, actor, decided),
          incident: await publishing.staffView(tx, actor, after),
          report: update.status === 'postmortem' ? after.internalIncidentId : null,
          body: update.body,
        };
      });
      // A post-incident report approved: the incident's final report is published (its step).
      const { report, body, ...answer } = approved;
      if (report !== null) await ports.finalReports.published(report, body);
      return answer;
    },

    /** Sends a draft back with a reason (its writer may withdraw it the same way). */
    async rejectDraft(actor: Actor, id: string, reason: string): Promise<StatusDraftState> {
      return inTransaction(db, async (tx) => {
        const draft = await loadDraft(tx, id);
        const events = draftRules.rejectDraft(draft, reason);
        const after = await appendToDraft(tx, id, draft, events, actor.userId, clock.now());
        return viewOf(tx, actor, after);
      });
    },
  };
}
