// Learning use cases, one transaction each: find the incident as the caller may see it, load the
// post-mortem, let the rules decide, record the events (the projection writes the tables). A
// post-mortem is seen and changed only by those who may see its incident: a restricted incident's
// post-mortem stays with the incident's participants.
import type { Clock } from '../../clock.ts';
import type { Db, Executor } from '../../db/schema.ts';
import { inTransaction } from '../../db/transaction.ts';
import { AppError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import type { Actor } from '../actor.ts';
import type { PolicyInForce } from '../policy/index.ts';
import { appendToPostmortem } from './learning-projection.ts';
import * as repo from './learning-repository.ts';
import * as rules from './learning-rules.ts';
import type { PostmortemState } from './learning-state.ts';

/** What learning needs of the incidents subject: an incident as a person sees it. */
export interface LearningIncidents {
  /** By id or key; null when there is no such incident. */
  findSight(
    tx: Executor,
    actor: Actor,
    ref: string,
  ): Promise<{ id: string; key: string; visible: boolean } | null>;
}

export interface LearningModulePorts {
  db: Db;
  clock: Clock;
  /** The policy in force: a new post-mortem takes its template (and records its hash). */
  policy: () => Pick<PolicyInForce, 'policy' | 'hash'>;
  incidents: LearningIncidents;
}

/** A post-mortem with what still keeps it from review. */
export interface PostmortemView {
  postmortem: PostmortemState;
  /** Required sections still empty, by id, in the template's order. */
  unansweredSections: string[];
}

const viewOf = (postmortem: PostmortemState): PostmortemView => ({
  postmortem,
  unansweredSections: rules.unansweredSections(postmortem).map((s) => s.sectionId),
});

export function createLearningService(ports: LearningModulePorts) {
  const { db, clock } = ports;

  /** The incident as this caller may see it; one they may not see does not exist for them. */
  async function incidentFor(tx: Executor, actor: Actor, ref: string) {
    const sight = await ports.incidents.findSight(tx, actor, ref);
    if (!sight || !sight.visible) throw new AppError('NOT_FOUND', 'Incident was not found');
    return { id: sight.id, key: sight.key };
  }

  async function loadPostmortem(tx: Executor, actor: Actor, ref: string) {
    const incident = await incidentFor(tx, actor, ref);
    const state = await repo.findPostmortemByIncident(tx, incident.id);
    if (!state) {
      throw new AppError('NOT_FOUND', `${incident.key} has no post-mortem yet`, {
        incidentKey: incident.key,
      });
    }
    return state;
  }

  function checkVersion(state: PostmortemState, expected: number | undefined) {
    if (expected !== undefined && expected !== state.version) {
      throw new AppError(
        'CONFLICT',
        'This post-mortem was changed by someone else since you loaded it; reload and try again',
        { expectedVersion: expected, currentVersion: state.version },
      );
    }
  }

  /** Load, decide, record: the common shape of every change to an existing post-mortem. */
  function change(
    actor: Actor,
    ref: string,
    expectedVersion: number | undefined,
    decide: (state: PostmortemState) => ReturnType<typeof rules.submitPostmortem>,
  ): Promise<PostmortemView> {
    return inTransaction(db, async (tx) => {
      const state = await loadPostmortem(tx, actor, ref);
      checkVersion(state, expectedVersion);
      const events = decide(state);
      return viewOf(
        await appendToPostmortem(tx, state.id, state, events, actor.userId, clock.now()),
      );
    });
  }

  return {
    /** The incident's post-mortem; NOT_FOUND when the incident has none or is not the caller's to see. */
    async getPostmortem(actor: Actor, ref: string): Promise<PostmortemView> {
      return viewOf(await loadPostmortem(db, actor, ref));
    },

    /** Starts the incident's post-mortem from the template of the policy in force. */
    async startPostmortem(actor: Actor, ref: string): Promise<PostmortemView> {
      return inTransaction(db, async (tx) => {
        const incident = await incidentFor(tx, actor, ref);
        const existing = await repo.findPostmortemByIncident(tx, incident.id);
        const { policy, hash } = ports.policy();
        const events = rules.startPostmortem(
          existing,
          incident,
          { hash, learning: policy.learning },
          actor.userId,
        );
        return viewOf(
          await appendToPostmortem(tx, newId(), null, events, actor.userId, clock.now()),
        );
      });
    },

    async writeSection(
      actor: Actor,
      ref: string,
      sectionId: string,
      body: string,
      expectedVersion?: number,
    ): Promise<PostmortemView> {
      return change(actor, ref, expectedVersion, (s) => rules.writeSection(s, sectionId, body));
    },

    async submitPostmortem(
      actor: Actor,
      ref: string,
      expectedVersion?: number,
    ): Promise<PostmortemView> {
      return change(actor, ref, expectedVersion, rules.submitPostmortem);
    },

    async requestChanges(
      actor: Actor,
      ref: string,
      reason: string,
      expectedVersion?: number,
    ): Promise<PostmortemView> {
      return change(actor, ref, expectedVersion, (s) => rules.requestChanges(s, reason));
    },

    async approvePostmortem(
      actor: Actor,
      ref: string,
      expectedVersion?: number,
    ): Promise<PostmortemView> {
      return change(actor, ref, expectedVersion, (s) => rules.approvePostmortem(s, actor.userId));
    },
  };
}

export type LearningModule = ReturnType<typeof createLearningService>;
