// One way to record: a report's row is the reduction of its events (applyReportEvent), written by
// appendToReport. Property: for random runs of the report rules' own changes (a refused one gives
// way to the next the rules accept, time standing still or moving, staff or no one acting), the
// report appendToReport answers equals the row loaded back, and the stored log reduces to it
// too, after every step, on SQLite and on PostgreSQL.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MINUTE } from '../../src/server/clock.ts';
import { listStreamEvents } from '../../src/server/db/event-store.ts';
import { AppError } from '../../src/server/errors.ts';
import { newId } from '../../src/server/ids.ts';
import {
  reportEvent,
  type RecordedReportEvent,
  type ReportEvent,
} from '../../src/server/domain/reports/report-events.ts';
import { reduceReport } from '../../src/server/domain/reports/report-reducer.ts';
import type { Report } from '../../src/server/domain/reports/report-state.ts';
import { appendToReport } from '../../src/server/domain/reports/report-projection.ts';
import { findReportById } from '../../src/server/domain/reports/report-repository.ts';
import * as rules from '../../src/server/domain/reports/report-rules.ts';
import { loadPolicyFile } from '../../src/server/domain/policy/index.ts';
import {
  CLOSE_RESOLUTIONS,
  MESSAGE_TYPES,
  MILESTONES,
  REMOVAL_STATUSES,
  VERIFICATION_METHODS,
} from '../../src/shared/domain/reports.ts';
import { BUNDLED_POLICY } from '../helpers/policies.ts';
import { createIncidentsContext, type IncidentsContext } from '../helpers/incidents-context.ts';

let t: IncidentsContext;
beforeAll(async () => {
  t = await createIncidentsContext();
});
afterAll(async () => {
  await t.close();
});

const { policy } = loadPolicyFile(BUNDLED_POLICY);
const USERS = ['ana', 'ben', 'cho'];
const INCIDENTS = ['inc-1', 'inc-2'];

interface Step {
  command: number;
  user: number;
  pick: number;
  flag: boolean;
  text: string;
  advance: number;
}

const pick = <T>(xs: readonly T[], n: number): T => xs[n % xs.length]!;

/** The rules' changes, each deciding from the report as the use case would; may refuse. */
const COMMANDS: ((r: Report, x: Step, now: number, taskIds: string[]) => ReportEvent[])[] = [
  (r, _x, now) => rules.acknowledge(r, now),
  (r, x) => rules.changeEmergency(r, policy, { emergency: x.flag, reason: `why ${x.text}` }),
  (r, x) => {
    const resolution = pick(CLOSE_RESOLUTIONS, x.pick);
    const reason = `closed ${x.text}`;
    return rules.close(
      r,
      resolution === 'duplicate'
        ? { resolution, reason, duplicateOf: x.flag ? r.key : 'RPT-0001' }
        : { resolution, reason },
    );
  },
  (r, x) => rules.changeIncidentLink(r, pick(INCIDENTS, x.pick), true),
  (r) => rules.changeIncidentLink(r, r.incidentId ?? 'none', false),
  (r, x) => rules.recordMilestone(r, pick(MILESTONES, x.pick)),
  (_r, x, _now, taskIds) => {
    const taskId = newId();
    taskIds.push(taskId);
    const url = `https://example.com/${x.pick}`;
    return x.flag
      ? rules.reportPublicCopy(taskId, url)
      : rules.requestRemoval(taskId, url, 'staff');
  },
  (_r, x, _now, taskIds) => {
    if (taskIds.length === 0) throw new AppError('RULE_REFUSED', 'no task');
    const status = pick(REMOVAL_STATUSES, x.pick);
    return rules.updateRemoval(pick(taskIds, x.pick), { status, evidence: x.text || undefined });
  },
  (r, x) =>
    rules.staffMessage(
      r,
      policy,
      newId(),
      x.flag
        ? { kind: 'to_reporter', messageType: pick(MESSAGE_TYPES, x.pick), body: x.text || '.' }
        : { kind: 'internal_note', body: x.text || '.' },
    ),
  (_r, x) =>
    rules.verifyIdentity(newId(), {
      method: pick(VERIFICATION_METHODS, x.pick),
      note: x.flag ? x.text : undefined,
    }),
  (r, x) => rules.rotateAccessCode(r, `hash-${x.text}-${x.pick}`),
  (_r, x) => rules.reporterReply(x.flag ? newId() : null, x.text, [], []),
  (r, x) => [
    reportEvent(x.flag ? 'report.deadline_met' : 'report.deadline_reminded', {
      deadlineId: `d-${x.pick}`,
      kind: 'reporter_acknowledgment',
      dueAt: r.acknowledgeDueAt,
    }),
  ],
];

const step = fc.record({
  command: fc.nat({ max: COMMANDS.length - 1 }),
  user: fc.nat({ max: USERS.length }),
  pick: fc.nat({ max: 20 }),
  flag: fc.boolean(),
  text: fc.string({ maxLength: 12 }),
  // Time often stands still: ties in time are where a projection could differ.
  advance: fc.constantFrom(0, 0, 1, MINUTE),
});

async function loadRow(id: string): Promise<Report | undefined> {
  return findReportById(t.container.db, id);
}

/** The stored log, with the personal data each event put on the row (never in the log). */
async function replayLog(id: string, personal: Map<number, ReportEvent['personal']>) {
  const stored = await listStreamEvents(t.container.db, id);
  const events = stored.map(
    (e) => ({ ...e, personal: personal.get(e.seq) }) as unknown as RecordedReportEvent,
  );
  return reduceReport(null, events);
}

describe('reducing a report’s events equals projecting then loading them', () => {
  it('holds after every step of random runs of the rules’ changes, and the log reduces to the row', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          emergency: fc.boolean(),
          publicUrl: fc.option(fc.constant('https://paste.example/x'), { nil: undefined }),
          email: fc.option(fc.emailAddress(), { nil: undefined }),
        }),
        fc.array(step, { minLength: 1, maxLength: 25 }),
        async (sent, steps) => {
          const id = newId();
          const now = t.clock.now();
          const received = rules.receive({
            key: `RPT-P-${id}`,
            fields: {
              summary: 'Property',
              description: 'A report for the property test',
              creditConsent: false,
              emergency: sent.emergency,
              publicUrl: sent.publicUrl,
              contact: { email: sent.email },
            },
            attachments: [],
            files: [],
            acknowledgeDueAt: rules.acknowledgeDueAt(now, policy, sent.emergency),
            accessCodeHash: 'hash-0',
            removalTaskId: sent.publicUrl ? newId() : null,
          });
          const personal = new Map<number, ReportEvent['personal']>();
          const remember = (before: number, events: ReportEvent[]) =>
            events.forEach((e, i) => e.personal && personal.set(before + i + 1, e.personal));
          remember(0, received);
          let state = await appendToReport(t.container.db, id, null, received, null, now);
          const taskIds: string[] = [];
          for (const x of steps) {
            t.clock.advance(x.advance);
            const at = t.clock.now();
            // The chosen change, or the next one the rules accept: every step records something.
            let events: ReportEvent[] = [];
            for (let k = 0; k < COMMANDS.length && events.length === 0; k++) {
              try {
                events = COMMANDS[(x.command + k) % COMMANDS.length]!(state, x, at, taskIds);
              } catch (error) {
                if (!(error instanceof AppError)) throw error; // refused: nothing recorded
              }
            }
            const actor = x.user < USERS.length ? USERS[x.user]! : null;
            remember(state.version, events);
            state = await appendToReport(t.container.db, id, state, events, actor, at);
            expect(await loadRow(id)).toEqual(state);
          }
          expect(await replayLog(id, personal)).toEqual(state);
        },
      ),
      { numRuns: 40 },
    );
  }, 120_000);

  it('refuses to write at a version someone else has moved on from', async () => {
    const id = newId();
    const now = t.clock.now();
    const received = rules.receive({
      key: `RPT-C-${id}`,
      fields: {
        summary: 'S',
        description: 'D',
        creditConsent: false,
        emergency: false,
        contact: {},
      },
      attachments: [],
      files: [],
      acknowledgeDueAt: rules.acknowledgeDueAt(now, policy),
      accessCodeHash: 'h',
      removalTaskId: null,
    });
    const first = await appendToReport(t.container.db, id, null, received, null, now);
    await appendToReport(t.container.db, id, first, rules.acknowledge(first, now), 'ana', now);
    await expect(
      appendToReport(t.container.db, id, first, rules.acknowledge(first, now), 'ben', now),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    expect((await loadRow(id))?.acknowledgedBy).toBe('ana');
  });
});
