// The steps every way of publishing on the public page shares, in the caller's transaction:
// publishing alone (status-service.ts) and approving a draft (draft-service.ts). Publishing
// records the text on the public incident's stream and meets the internal incident's customer
// clocks; the four-eyes rule decides whether one person may do it alone.
import type { Clock } from '../../clock.ts';
import type { Db, Executor } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import type { Actor } from '../actor.ts';
import type { Policy } from '../policy/index.ts';
import type { BriefingCase } from './briefing-rules.ts';
import type { FourEyesFacts } from './draft-rules.ts';
import { appendToPublicIncident } from './status-projection.ts';
import * as repo from './status-repository.ts';
import * as rules from './status-rules.ts';
import type { PublicIncidentState } from './status-state.ts';
import { tellSubscribers, type StatusNotices } from './subscriber-notices.ts';

/** What the status page needs of the incidents subject: an internal incident as a person sees it. */
export interface StatusIncidentLinks {
  /** By id or key; null when there is no such incident. */
  findSight(
    tx: Executor,
    actor: Actor,
    ref: string,
  ): Promise<{
    id: string;
    key: string;
    visible: boolean;
    severity: string | null;
    /** Declared as an exercise: nothing of it reaches the public page. */
    exercise: boolean;
  } | null>;
  /** Incidents not closed, as a briefing reads them (the briefings decide which are active). */
  listOpen(): Promise<BriefingCase[]>;
  /** The incident as a notice names it to one reader: the title null when they may not see it. */
  findHeadline(
    tx: Executor,
    incidentId: string,
    reader: { id: string; roles: readonly string[] },
  ): Promise<{ key: string; title: string | null } | null>;
}

/**
 * What the status page needs of the clocks: a published update on a public incident that speaks
 * for an internal incident is a notice to its customers (the first notice or the next update, or
 * with `postmortem` the final report), met on the internal incident's clocks in the same
 * transaction.
 */
export interface StatusClocks {
  customerNoticePublished(
    tx: Executor,
    internalIncidentId: string,
    notice: 'update' | 'final_report',
    metBy: string,
    now: number,
  ): Promise<void>;
}

/**
 * What the status page tells the incidents subject: a post-incident report approved under four
 * eyes is the incident's final report published (its final-report step, once).
 */
export interface StatusFinalReports {
  published(internalIncidentId: string, markdown: string): Promise<void>;
}

export interface StatusModulePorts {
  db: Db;
  clock: Clock;
  /** The page's name, as its notices say it (STOPLINE_STATUS_PAGE_NAME). */
  pageName: string;
  notices: StatusNotices;
  /** A subscriber's manage and unsubscribe token: unguessable, the same on every instance,
   * never stored (only its SHA-256). */
  subscriberTokens: { tokenFor(subscriberId: string): string };
  /** When the status page came into being here: what a page nothing was ever recorded on says. */
  pageCreatedAt(): Promise<number>;
  /** The policy in force: who may publish alone (communications.publishing). */
  policy: () => Pick<Policy, 'communications' | 'phases' | 'stopTheLine'>;
  incidents: StatusIncidentLinks;
  clocks: StatusClocks;
  finalReports: StatusFinalReports;
  /** The active members of staff (accounts), for the stakeholder list. */
  staff: { listActive(tx: Executor): Promise<{ id: string; roles: readonly string[] }[]> };
}

/** A public incident as staff read it: the internal link only for those who may see it. */
export interface StaffIncidentView {
  incident: PublicIncidentState;
  internalIncident: { id: string; key: string } | null;
}

export function createPublishing(ports: StatusModulePorts) {
  async function loadIncident(tx: Executor, id: string): Promise<PublicIncidentState> {
    const state = await repo.findPublicIncident(tx, id);
    if (!state) throw new AppError('NOT_FOUND', 'Public incident was not found');
    return state;
  }

  /** The internal incident to link, which the person linking must be allowed to see. */
  async function linkTarget(tx: Executor, actor: Actor, ref: string | null) {
    if (ref === null) return null;
    const sight = await ports.incidents.findSight(tx, actor, ref);
    if (!sight || !sight.visible) {
      throw new AppError('VALIDATION', 'There is no incident with this key that you may see', {
        errors: [{ field: 'internalIncident', message: 'no incident with this key or id' }],
      });
    }
    if (sight.exercise) {
      // The publish gate for exercises: no public incident speaks for one, so no update, no
      // subscriber's e-mail and no webhook of the page ever carries it.
      throw new AppError(
        'RULE_REFUSED',
        `${sight.key} is an exercise: it never reaches the public status page`,
        {
          errors: [{ field: 'internalIncident', message: 'is an exercise' }],
          rule: 'exercise',
        },
      );
    }
    return { id: sight.id, key: sight.key };
  }

  /** What the four-eyes rule looks at for a public incident (its impact may be about to change). */
  async function fourEyesFacts(
    tx: Executor,
    actor: Actor,
    internalIncidentId: string | null,
    impact: PublicIncidentState['impact'],
  ): Promise<FourEyesFacts> {
    if (internalIncidentId === null) return { impact, severity: null };
    const sight = await ports.incidents.findSight(tx, actor, internalIncidentId);
    return { impact, severity: sight?.severity ?? null };
  }

  /** The latest update, published or sent to customers (`metBy`), meets the internal
   * incident's customer clocks, if it speaks for one. */
  async function meetClocks(
    tx: Executor,
    state: PublicIncidentState,
    now: number,
    metBy = 'status.update_published',
  ) {
    const update = state.updates[state.updates.length - 1];
    if (state.internalIncidentId === null || !update) return;
    const notice = update.status === 'postmortem' ? 'final_report' : 'update';
    await ports.clocks.customerNoticePublished(tx, state.internalIncidentId, notice, metBy, now);
  }

  async function staffView(
    ex: Executor,
    actor: Actor,
    state: PublicIncidentState,
  ): Promise<StaffIncidentView> {
    if (state.internalIncidentId === null) return { incident: state, internalIncident: null };
    const sight = await ports.incidents.findSight(ex, actor, state.internalIncidentId);
    return {
      incident: sight?.visible ? state : { ...state, internalIncidentId: null },
      internalIncident: sight?.visible ? { id: sight.id, key: sight.key } : null,
    };
  }

  /** Opens a public incident with its first update (and its link), and meets the clocks. */
  async function publishNew(
    tx: Executor,
    actor: Actor,
    id: string,
    input: rules.NewPublicIncident,
    target: { id: string; key: string } | null,
    now: number,
    updateId = newId(),
  ): Promise<PublicIncidentState> {
    const [catalogue, others] = await Promise.all([
      repo.loadCatalogue(tx),
      repo.listUnresolvedComponentStatuses(tx),
    ]);
    const events = rules.openPublicIncident(catalogue, others, input, updateId, now);
    let state = await appendToPublicIncident(tx, id, null, events, actor.userId, now);
    const link = rules.linkInternalIncident(state, target);
    state = await appendToPublicIncident(tx, id, state, link, actor.userId, now);
    await meetClocks(tx, state, now);
    await tellSubscribers(tx, ports, state, now);
    return state;
  }

  /** Publishes an update (with a new name or impact, if any) and meets the clocks. */
  async function publishOn(
    tx: Executor,
    actor: Actor,
    state: PublicIncidentState,
    changes: { name?: string | undefined; impact?: PublicIncidentState['impact'] | undefined },
    input: rules.UpdateInput,
    now: number,
    updateId = newId(),
  ): Promise<PublicIncidentState> {
    const [catalogue, others] = await Promise.all([
      repo.loadCatalogue(tx),
      repo.listUnresolvedComponentStatuses(tx, state.id),
    ]);
    const events = [
      ...rules.changePublicIncident(state, changes),
      ...rules.publishUpdate(state, catalogue, others, input, updateId, now),
    ];
    const after = await appendToPublicIncident(tx, state.id, state, events, actor.userId, now);
    await meetClocks(tx, after, now);
    await tellSubscribers(tx, ports, after, now);
    return after;
  }

  /** Refuses a text as publishing it now would, recording nothing (state null: a new incident). */
  async function checkPublishable(
    tx: Executor,
    state: PublicIncidentState | null,
    opens: Omit<rules.NewPublicIncident, keyof rules.UpdateInput> | null,
    input: rules.UpdateInput,
    now: number,
  ): Promise<void> {
    const [catalogue, others] = await Promise.all([
      repo.loadCatalogue(tx),
      repo.listUnresolvedComponentStatuses(tx, state?.id ?? null),
    ]);
    if (state !== null) rules.publishUpdate(state, catalogue, others, input, 'check', now);
    else if (opens !== null) {
      rules.openPublicIncident(catalogue, others, { ...opens, ...input }, 'check', now);
    }
  }

  return {
    loadIncident,
    meetClocks,
    linkTarget,
    fourEyesFacts,
    staffView,
    publishNew,
    publishOn,
    checkPublishable,
  };
}

export type Publishing = ReturnType<typeof createPublishing>;
