// Tuning proposals (issue 18, item 4): alerts marked as noise propose tuning the detection rule
// behind them, one proposal per alert source and similar key. A person answers it once: taking it
// makes a stand-alone follow-up in learning (owner, due date, its clock), in the same transaction
// as the answer on the proposal's stream; declining records the reason.
import type { Clock } from '../../clock.ts';
import type { Db, Executor } from '../../db/schema.ts';
import { inTransaction } from '../../db/transaction.ts';
import { AppError } from '../../errors.ts';
import type { Actor } from '../actor.ts';
import { answeredAlready } from '../proposal-answer.ts';
import type { NewStandaloneFollowUp } from '../learning/index.ts';
import * as alerts from './alert-repository.ts';
import { listSourceNames } from './source-repository.ts';
import * as rules from './triage-rules.ts';
import { appendTuningAnswer } from './tuning-projection.ts';

/** What taking a proposal needs of learning: a stand-alone follow-up, in this transaction. */
export interface AlertFollowUps {
  addStandaloneFollowUp(
    tx: Executor,
    actor: Actor,
    input: NewStandaloneFollowUp,
  ): Promise<{ id: string }>;
}

/**
 * How many proposals the list holds at most: those of the rules most recently marked as noise.
 * Each counts all its rule's alerts; a rule beyond it is still answered by its id (`find`).
 */
export const TUNING_PROPOSALS_LISTED = 500;

export interface TuningDeps {
  db: Db;
  clock: Clock;
  followUps: AlertFollowUps;
}

export interface TuningProposal {
  proposalId: string;
  sourceId: string;
  sourceName: string;
  similarKey: string;
  title: string;
  alertCount: number;
  lastMarkedAt: number;
  reasons: alerts.NoiseMarks['reasons'];
  /** proposed until answered: taken (its follow-up) or declined (the reason). */
  status: 'proposed' | 'taken' | 'declined';
  answer: Omit<alerts.TuningAnswer, 'status'> | null;
}

/** How a proposal is taken: who, by when, how urgent, and its title if not the proposal's. */
export interface TuningTaking {
  ownerId: string;
  dueAt: number;
  priority: NewStandaloneFollowUp['priority'];
  title?: string | undefined;
}

export function createTuningService(deps: TuningDeps) {
  const { db, clock } = deps;

  async function proposalsOf(ex: Executor, marks: alerts.NoiseMarks[]): Promise<TuningProposal[]> {
    const names = await listSourceNames(
      ex,
      marks.map((m) => m.sourceId),
    );
    const proposals = marks.map((m) => {
      const sourceName = names.get(m.sourceId) ?? '';
      return { ...m, sourceName, ...rules.tuningProposal(m, sourceName) };
    });
    const answers = await alerts.listTuningAnswers(
      ex,
      proposals.map((p) => p.proposalId),
    );
    return proposals.map((p) => {
      const answer = answers.get(p.proposalId) ?? null;
      return {
        proposalId: p.proposalId,
        sourceId: p.sourceId,
        sourceName: p.sourceName,
        similarKey: p.similarKey,
        title: p.proposal,
        alertCount: p.count,
        lastMarkedAt: p.lastMarkedAt,
        reasons: p.reasons,
        status: answer?.status ?? 'proposed',
        answer: answer && {
          followUpId: answer.followUpId,
          reason: answer.reason,
          by: answer.by,
          at: answer.at,
        },
      };
    });
  }

  /** The proposal by its id, in the transaction; 404 for an id no noise proposes. */
  async function find(tx: Executor, proposalId: string): Promise<TuningProposal> {
    const rule = rules.tuningRuleOf(proposalId);
    const marks = rule ? await alerts.listNoiseMarks(tx, 1, rule) : [];
    const found = (await proposalsOf(tx, marks)).find((p) => p.proposalId === proposalId);
    if (!found) {
      throw new AppError('NOT_FOUND', 'No alerts marked as noise propose this tuning', {
        proposalId,
      });
    }
    return found;
  }

  const basisOf = (p: TuningProposal): rules.TuningBasis => ({
    proposalId: p.proposalId,
    sourceId: p.sourceId,
    similarKey: p.similarKey,
    alertCount: p.alertCount,
    reasons: p.reasons.map((r) => r.reason),
  });

  /** The proposal waiting for its answer (409 naming the first answer otherwise). */
  async function findUnanswered(tx: Executor, proposalId: string): Promise<TuningProposal> {
    const p = await find(tx, proposalId);
    const { answer } = p;
    if (answer === null) return p;
    throw answeredAlready(
      proposalId,
      answer.followUpId !== null
        ? { status: 'taken', followUpId: answer.followUpId, followUp: answer.followUpId }
        : { status: 'declined', reason: answer.reason ?? '' },
    );
  }

  return {
    /**
     * The follow-ups noise proposes: for each detection rule (source and similar key) with
     * alerts marked as noise, tune it; with how many, the latest reasons, and its answer. The
     * rules most recently marked first, TUNING_PROPOSALS_LISTED of them at most.
     */
    async listTuningProposals(): Promise<TuningProposal[]> {
      return proposalsOf(db, await alerts.listNoiseMarks(db, TUNING_PROPOSALS_LISTED));
    },

    /**
     * Takes the proposal: a stand-alone follow-up of type detect (owner active staff, due in the
     * future; its clock starts), recorded with its source. 409 once answered.
     */
    async takeTuningProposal(
      actor: Actor,
      proposalId: string,
      taking: TuningTaking,
    ): Promise<TuningProposal> {
      return inTransaction(db, async (tx) => {
        const p = await findUnanswered(tx, proposalId);
        const basis = basisOf(p);
        const followUp = await deps.followUps.addStandaloneFollowUp(tx, actor, {
          title: taking.title ?? p.title,
          ownerId: taking.ownerId,
          dueAt: taking.dueAt,
          priority: taking.priority,
          type: 'detect',
          trackerUrl: null,
          source: {
            kind: 'alert_tuning',
            id: p.proposalId,
            alertSourceId: p.sourceId,
            alertSourceName: p.sourceName,
            similarKey: p.similarKey,
            alertCount: p.alertCount,
            reasons: basis.reasons,
          },
        });
        const events = rules.takeTuning(basis, followUp.id);
        await appendTuningAnswer(tx, proposalId, events, actor.userId, clock.now());
        return (await proposalsOf(tx, [markOf(p)]))[0]!;
      });
    },

    /** Declines the proposal with the reason; 409 once answered. */
    async declineTuningProposal(
      actor: Actor,
      proposalId: string,
      reason: string,
    ): Promise<TuningProposal> {
      return inTransaction(db, async (tx) => {
        const p = await findUnanswered(tx, proposalId);
        const events = rules.declineTuning(basisOf(p), reason);
        await appendTuningAnswer(tx, proposalId, events, actor.userId, clock.now());
        return (await proposalsOf(tx, [markOf(p)]))[0]!;
      });
    },
  };
}

const markOf = (p: TuningProposal): alerts.NoiseMarks => ({
  sourceId: p.sourceId,
  similarKey: p.similarKey,
  count: p.alertCount,
  lastMarkedAt: p.lastMarkedAt,
  reasons: p.reasons,
});
