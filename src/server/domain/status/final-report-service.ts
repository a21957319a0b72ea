// Posting an incident's external final report on the status page (issue 14, item 6): the report
// becomes the post-incident report (`postmortem`) update of the public incident that speaks for
// the internal one, through the page's own publish gate: published at once when one person may
// publish alone, written as a draft for a second person when the policy's four-eyes rule asks for
// one, and never for an exercise (no public incident speaks for one). Publishing it meets the
// internal incident's final report clock, as every post-incident report update does.
import { inTransaction } from '../../db/transaction.ts';
import { AppError } from '../../errors.ts';
import { requirePermission, type Actor } from '../actor.ts';
import type { createDraftService } from './draft-service.ts';
import { needsSecondPerson } from './draft-rules.ts';
import type { Publishing, StatusModulePorts } from './publishing.ts';
import * as repo from './status-repository.ts';
import type { UpdateInput } from './status-rules.ts';

/** Where a final report went: published on the public incident, or a draft awaiting approval. */
export interface FinalReportPosting {
  publicIncidentId: string;
  /** Published now; false: a draft waits for a second person (the four-eyes rule). */
  published: boolean;
  /** The draft to approve, when not published. */
  draftId: string | null;
}

const refused = (message: string, field: string, reason: string, rule?: string) =>
  new AppError('RULE_REFUSED', message, {
    errors: [{ field, message: reason }],
    ...(rule ? { rule } : {}),
  });

export function createFinalReportService(
  ports: StatusModulePorts,
  publishing: Publishing,
  drafts: Pick<ReturnType<typeof createDraftService>, 'writeDraft'>,
) {
  const { db, clock } = ports;
  const rulesInForce = () => ports.policy().communications.publishing;

  return {
    /**
     * Posts `body` (the external final report, Markdown) as the post-incident report of the
     * newest public incident that speaks for the internal incident.
     */
    async postFinalReport(
      actor: Actor,
      internalIncidentId: string,
      body: string,
    ): Promise<FinalReportPosting> {
      requirePermission(actor, 'status.publish', 'Posting the final report on the status page');
      const update: UpdateInput = {
        status: 'postmortem',
        body,
        displayAt: null,
        components: [],
        reopen: false,
      };
      const alone = await inTransaction(db, async (tx) => {
        const sight = await ports.incidents.findSight(tx, actor, internalIncidentId);
        if (!sight || !sight.visible) throw new AppError('NOT_FOUND', 'Incident was not found');
        if (sight.exercise) {
          throw refused(
            `${sight.key} is an exercise: it never reaches the public status page`,
            'statusPage',
            'is an exercise',
            'exercise',
          );
        }
        const [state] = await repo.listPublicIncidentsFor(tx, sight.id);
        if (!state) {
          throw refused(
            `No public incident speaks for ${sight.key}: open or link one on the status page first`,
            'statusPage',
            'no public incident speaks for this incident',
          );
        }
        const facts = await publishing.fourEyesFacts(tx, actor, sight.id, state.impact);
        if (needsSecondPerson(rulesInForce(), facts)) return { state, published: false };
        await publishing.publishOn(tx, actor, state, {}, update, clock.now());
        return { state, published: true };
      });
      if (alone.published) {
        return { publicIncidentId: alone.state.id, published: true, draftId: null };
      }
      const draft = await drafts.writeDraft(actor, { publicIncidentId: alone.state.id, update });
      return { publicIncidentId: alone.state.id, published: false, draftId: draft.id };
    },
  };
}
