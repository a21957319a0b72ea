// One way to record: a learning use case appends and projects its events and goes on with the
// post-mortem reduced in memory. That is only right if reducing equals projecting then loading.
// Property: for random runs of the rules' own commands (a refused one is skipped), the state the
// projection answers equals what the repository loads, after every step, on SQLite and PostgreSQL;
// for a post-mortem's stream and for a stand-alone follow-up's (issue 18, item 4).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/server/db/transaction.ts';
import { AppError } from '../../src/server/errors.ts';
import { newId } from '../../src/server/ids.ts';
import {
  appendToPostmortem,
  appendToStandaloneFollowUp,
} from '../../src/server/domain/learning/learning-projection.ts';
import {
  findPostmortemByIncident,
  findStandaloneFollowUp,
} from '../../src/server/domain/learning/learning-repository.ts';
import * as rules from '../../src/server/domain/learning/learning-rules.ts';
import * as timeline from '../../src/server/domain/learning/timeline-rules.ts';
import * as proposals from '../../src/server/domain/learning/proposal-rules.ts';
import type { LearningEvent } from '../../src/server/domain/learning/learning-events.ts';
import type {
  PostmortemState,
  StandaloneFollowUpState,
} from '../../src/server/domain/learning/learning-state.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const step = fc.record({
  command: fc.nat(35),
  pick: fc.nat(50),
  text: fc.string({ maxLength: 20 }),
  actor: fc.constantFrom('u1', 'u2'),
  advance: fc.constantFrom(0, 1000, 60_000),
});
type Step = typeof step extends fc.Arbitrary<infer T> ? T : never;

const write: Step = { command: 0, pick: 2, text: 'answer', actor: 'u1', advance: 1000 };
const lifecycle: Step[] = [
  ...Array.from({ length: 10 }, () => write),
  { ...write, command: 5 },
  { ...write, command: 7, actor: 'u2' },
  { ...write, command: 8, pick: 4 },
  { ...write, command: 9, pick: 2, text: 'not needed' },
  { ...write, command: 18, pick: 1, text: 'the override was right' },
  { ...write, command: 19, pick: 0, text: 'moved' },
];

type Start = Parameters<typeof rules.skipPostmortem>;

/** What the record proposes: three breached deadlines, declined or taken at random. */
const proposed = [0, 1, 2].map((n) => ({
  proposalId: `deadline:${n}`,
  because: 'Deadline breached: response',
  at: n * 1000,
  title: `Keep deadline ${n}`,
  type: 'process' as const,
  policySection: 'clocks' as const,
}));

/** An incident's record the timeline marks point at: five phase moves. */
const record = [1, 2, 3, 4, 5].map((seq) => ({
  seq,
  type: 'incident.phase_changed',
  at: seq * 1000,
  actorId: null,
  visibility: 'internal',
  data: {},
}));

function command(
  s: PostmortemState,
  x: Step,
  now: number,
  start: { incident: Start[1]; policy: Start[2] },
): LearningEvent[] {
  switch (x.command % 20) {
    case 19: {
      // A follow-up handed over or moved.
      const f = s.followUps[x.pick % Math.max(s.followUps.length, 1)];
      if (!f) return [];
      const to = x.pick % 2 ? { ownerId: x.actor } : { dueAt: now + 1 + x.pick };
      return rules.changeFollowUp(s, f.id, to, now, true);
    }
    case 18:
      // A proposal of the record declined with the reason (refused once answered).
      return proposals.declineProposal(s, proposed, `deadline:${x.pick % 3}`, `${x.text}.`);
    case 16:
    case 17: {
      // A tracker's issue for a follow-up: linked, then its state (open or closed) comes back.
      const f = s.followUps[x.pick % Math.max(s.followUps.length, 1)];
      if (!f) return [];
      const issue = {
        connection: 'web',
        key: `acme/web#${x.pick % 3}`,
        trackerUrl: `https://tracker.example/${x.pick % 3}`,
      };
      return x.command % 20 === 16
        ? rules.linkFollowUpTracker(s, f.id, issue)
        : rules.setFollowUpTrackerState(s, f.id, {
            ...issue,
            state: x.pick % 2 ? 'closed' : 'open',
          });
    }
    case 13:
      return timeline.markTimelineEvent(
        s,
        record,
        1 + (x.pick % 5),
        x.pick % 2 === 0,
        x.pick % 3 ? x.text : null,
      );
    case 14:
      return timeline.addTimelineEntry(
        s,
        { at: now - x.pick, text: x.text || 'e', important: x.pick % 2 === 0 },
        newId(),
        now,
      );
    case 15: {
      const entry = s.timelineEntries[x.pick % Math.max(s.timelineEntries.length, 1)];
      return entry ? timeline.removeTimelineEntry(s, entry.id) : [];
    }
    case 10:
      return rules.setOwner(s, x.actor, true);
    case 11:
      return rules.setReviewers(s, x.pick % 2 ? ['u1', 'u2'] : ['u2'], []);
    case 12:
      // Rarely: skipping ends the run's lifecycle.
      return x.pick % 7 === 0
        ? rules.skipPostmortem(s, start.incident, start.policy, [], `${x.text}.`, x.actor)
        : [];
    case 8:
      return rules.addFollowUp(
        s,
        {
          title: x.text || 't',
          ownerId: x.actor,
          dueAt: now + 1 + x.pick,
          priority: x.pick % 2 ? 'high' : 'low',
          type: x.pick % 3 ? 'process' : 'detect',
          trackerUrl: x.pick % 2 ? null : 'https://example.org/1',
          policySection: x.pick % 3 ? 'clocks' : null,
          proposalId: x.pick % 5 ? null : `deadline:${x.pick % 4}`,
        },
        newId(),
        now,
        true,
      );
    case 9: {
      const f = s.followUps[x.pick % Math.max(s.followUps.length, 1)];
      if (!f) return [];
      const status = (['open', 'done', 'not_doing'] as const)[x.pick % 3]!;
      return rules.setFollowUpStatus(s, f.id, status, status === 'not_doing' ? `${x.text}.` : null);
    }
    case 5:
      return rules.submitPostmortem(s);
    case 6:
      return rules.requestChanges(s, x.text || 'why');
    case 7:
      return rules.approvePostmortem(s, x.actor);
    default: {
      // Mostly the first unanswered required section, so runs reach review and approval.
      const next = x.pick % 4 !== 0 ? rules.unansweredSections(s)[0] : undefined;
      const section = next ?? s.sections[x.pick % s.sections.length]!;
      return rules.writeSection(s, section.sectionId, next ? `${x.text}.` : x.text);
    }
  }
}

describe('learning: reducing equals projecting then loading', () => {
  it('for a post-mortem through writing, review and approval', async () => {
    const { policy, hash } = t.container.policy;
    const reached = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: 1, maxLength: 60, size: 'max' }),
        async (steps) => {
          const incident = { id: newId(), key: `INC-${newId().slice(-6)}` };
          let now = t.clock.now();
          let state: PostmortemState = await inTransaction(t.container.db, (tx) =>
            appendToPostmortem(
              tx,
              newId(),
              null,
              rules.startPostmortem(null, incident, { hash, learning: policy.learning }, 'u1'),
              'u1',
              now,
            ),
          );
          expect(state).toEqual(await findPostmortemByIncident(t.container.db, incident.id));
          for (const x of steps) {
            now += x.advance;
            const loaded = await inTransaction(t.container.db, async (tx) => {
              try {
                state = await appendToPostmortem(
                  tx,
                  state.id,
                  state,
                  command(state, x, now, {
                    incident,
                    policy: { hash, learning: policy.learning },
                  }),
                  x.actor,
                  now,
                );
              } catch (error) {
                if (!(error instanceof AppError)) throw error;
              }
              return findPostmortemByIncident(tx, incident.id);
            });
            expect(state).toEqual(loaded);
            reached.add(state.status);
          }
        },
      ),
      // Besides the random runs, one that surely walks the whole lifecycle: every required section
      // written, sent to review, approved by another, then a follow-up added and declined, and a
      // proposal of the record declined.
      { numRuns: 16, examples: [[lifecycle]] },
    );
    // The runs went through the whole lifecycle, not only drafts.
    expect([...reached]).toEqual(expect.arrayContaining(['approved', 'draft', 'in_review']));
  }, 120_000);
});

/** A change to a stand-alone follow-up: owner, due date, status, or its tracker's issue. */
function standaloneCommand(s: StandaloneFollowUpState, x: Step, now: number) {
  const f = s.followUps[0]!;
  const issue = {
    connection: 'web',
    key: `acme/web#${x.pick % 3}`,
    trackerUrl: `https://tracker.example/${x.pick % 3}`,
  };
  switch (x.command % 5) {
    case 0:
      return rules.changeFollowUp(
        s,
        f.id,
        x.pick % 2 ? { ownerId: x.actor } : { dueAt: now + 1 + x.pick },
        now,
        true,
      );
    case 1: {
      const status = (['open', 'done', 'not_doing'] as const)[x.pick % 3]!;
      return rules.setFollowUpStatus(s, f.id, status, status === 'not_doing' ? `${x.text}.` : null);
    }
    case 2:
      return rules.linkFollowUpTracker(s, f.id, issue);
    case 3:
      return rules.setFollowUpTrackerState(s, f.id, {
        ...issue,
        state: x.pick % 2 ? 'closed' : 'open',
      });
    default:
      // A refused change (a due date in the past) leaves the stream as it was.
      return rules.changeFollowUp(s, f.id, { dueAt: now - 1 }, now, true);
  }
}

describe('learning: a stand-alone follow-up reduced equals projected then loaded', () => {
  it('through owner, due date, status and tracker changes', async () => {
    const statuses = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: 1, maxLength: 30, size: 'max' }),
        async (steps) => {
          let now = t.clock.now();
          const id = newId();
          const source = {
            kind: 'alert_tuning' as const,
            id: 'tune:src:disk-full',
            alertSourceId: 'src',
            alertSourceName: 'Prometheus',
            similarKey: 'disk-full',
            alertCount: 3,
            reasons: ['flaps every night'],
          };
          const added = rules.addFollowUp(
            { followUps: [], declinedProposals: [] },
            {
              title: 'Tune disk-full',
              ownerId: 'u1',
              dueAt: now + 86_400_000,
              priority: 'medium',
              type: 'detect',
              trackerUrl: null,
              source,
            },
            id,
            now,
            true,
          );
          let state: StandaloneFollowUpState = await inTransaction(t.container.db, (tx) =>
            appendToStandaloneFollowUp(tx, id, null, added, 'u1', now),
          );
          expect(state).toEqual(await findStandaloneFollowUp(t.container.db, id));
          for (const x of steps) {
            now += x.advance;
            const loaded = await inTransaction(t.container.db, async (tx) => {
              try {
                const events = standaloneCommand(state, x, now);
                if (events.length > 0) {
                  state = await appendToStandaloneFollowUp(tx, id, state, events, x.actor, now);
                }
              } catch (error) {
                if (!(error instanceof AppError)) throw error;
              }
              return findStandaloneFollowUp(tx, id);
            });
            expect(state).toEqual(loaded);
            statuses.add(state.followUps[0]!.status);
          }
        },
      ),
      { numRuns: 16 },
    );
    expect([...statuses]).toEqual(expect.arrayContaining(['open', 'done', 'not_doing']));
  }, 120_000);
});
