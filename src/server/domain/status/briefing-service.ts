// Internal briefings (issue 13, item 9; Kai 5.1 and 7): admins keep the stakeholder list
// (executives, account managers: members of staff), and while an incident is active each
// stakeholder who may see it gets an internal status summary on the policy's cadence for its
// severity (communications.briefings.every), on their own channels through notifications (their
// preferences and quiet hours; an exercise reaches its participants only, marked EXERCISE). The
// scheduler sends what is due, once across instances; each briefing is recorded with its words.
import { inTransaction } from '../../db/transaction.ts';
import { AppError } from '../../errors.ts';
import type { Actor } from '../actor.ts';
import { recordAudit } from '../audit/index.ts';
import type { BriefingEvent, BriefingState } from './briefing-events.ts';
import { appendBriefing } from './briefing-projection.ts';
import * as briefings from './briefing-repository.ts';
import type { Stakeholder } from './briefing-repository.ts';
import * as rules from './briefing-rules.ts';
import type { StatusModulePorts } from './publishing.ts';
import * as repo from './status-repository.ts';

export type { Stakeholder };

export function createBriefingService(ports: StatusModulePorts) {
  const { db, clock } = ports;

  function briefingPolicy(): rules.BriefingPolicy {
    const policy = ports.policy();
    return {
      every: policy.communications.briefings.every,
      phases: policy.phases,
      resolvedAtPhase: policy.stopTheLine.resolvedAtPhase,
    };
  }

  /** One incident's briefing, if due: recorded and sent; false when not due or sent elsewhere. */
  async function brief(c: rules.BriefingCase, now: number): Promise<boolean> {
    try {
      return await inTransaction(db, async (tx) => {
        const policy = briefingPolicy();
        const state: BriefingState | null = await briefings.findBriefingState(tx, c.id);
        const dueAt = rules.briefingDueAt(c, state, policy);
        if (dueAt === null || dueAt > now) return false;
        const staff = new Map((await ports.staff.listActive(tx)).map((u) => [u.id, u]));
        const recipients: string[] = [];
        for (const s of await briefings.listStakeholders(tx)) {
          const person = staff.get(s.userId);
          if (!person) continue;
          // A restricted incident is briefed only to those who may see it.
          const headline = await ports.incidents.findHeadline(tx, c.id, person);
          if (headline?.title != null) recipients.push(person.id);
        }
        if (recipients.length === 0) return false;
        const number = (state?.sent ?? 0) + 1;
        const every = policy.every[c.severity!]!;
        const lines = rules.briefingLines(c, {
          number,
          policy,
          publicIncidents: await repo.listPublicIncidentsFor(tx, c.id),
          nextAt: now + every,
          now,
        });
        const headlineText = `Briefing ${number}`;
        const event: BriefingEvent = {
          type: 'status.briefing_sent',
          visibility: 'internal',
          data: {
            incidentId: c.id,
            incidentKey: c.key,
            number,
            recipients,
            headline: headlineText,
            lines,
          },
        };
        await appendBriefing(tx, c.id, state, event, now);
        await ports.notices.briefStakeholders(tx, {
          to: { userIds: recipients },
          kind: 'briefing',
          urgent: false,
          about: { type: 'incident', key: c.key, title: c.title, restricted: c.restricted },
          headline: headlineText,
          lines,
          idempotencyKey: `briefing:${c.id}:${number}`,
          at: now,
        });
        return true;
      });
    } catch (error) {
      // Another instance recorded this briefing first: it went out once.
      if (error instanceof AppError && error.code === 'CONFLICT') return false;
      throw error;
    }
  }

  return {
    /** Staff (status.manage): the stakeholder list, oldest first. */
    listStakeholders: (): Promise<Stakeholder[]> => briefings.listStakeholders(db),

    /** Staff (status.manage): puts an active member of staff on the list (or relabels them). */
    async putStakeholder(actor: Actor, userId: string, label: string): Promise<Stakeholder> {
      return inTransaction(db, async (tx) => {
        const active = await ports.staff.listActive(tx);
        if (!active.some((u) => u.id === userId)) {
          throw new AppError('VALIDATION', 'A stakeholder is an active member of staff', {
            errors: [{ field: 'userId', message: 'no active member of staff with this id' }],
          });
        }
        const now = clock.now();
        const entry = { userId, label, addedBy: actor.userId, addedAt: now };
        await briefings.putStakeholder(tx, entry);
        await recordAudit(tx, {
          actor,
          action: 'status_stakeholder.put',
          target: { type: 'user', id: userId },
          at: now,
          detail: { label },
        });
        return (await briefings.listStakeholders(tx)).find((s) => s.userId === userId) ?? entry;
      });
    },

    /** Staff (status.manage): takes someone off the list. */
    async removeStakeholder(actor: Actor, userId: string): Promise<void> {
      await inTransaction(db, async (tx) => {
        if (!(await briefings.deleteStakeholder(tx, userId))) {
          throw new AppError('NOT_FOUND', 'This person is not on the stakeholder list');
        }
        await recordAudit(tx, {
          actor,
          action: 'status_stakeholder.remove',
          target: { type: 'user', id: userId },
          at: clock.now(),
        });
      });
    },

    /** The scheduler's step: every active incident whose briefing is due gets it, once. */
    async runDueBriefings(now: number): Promise<number> {
      const policy = briefingPolicy();
      if (Object.keys(policy.every).length === 0) return 0;
      let sent = 0;
      for (const c of await ports.incidents.listOpen()) {
        const dueAt = rules.briefingDueAt(c, await briefings.findBriefingState(db, c.id), policy);
        if (dueAt !== null && dueAt <= now && (await brief(c, now))) sent++;
      }
      return sent;
    },
  };
}
