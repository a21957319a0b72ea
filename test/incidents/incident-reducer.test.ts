// One way to record: a command's events are appended and projected, and the command goes on with
// the state reduced in memory (applyIncidentEvent) instead of reading the incident again. That is
// only right if reducing equals projecting then loading. Property: for random runs of the rules'
// own commands (a refused one gives way to the next the rules accept, the line rules applied after
// each, time standing still or moving), the state appendToIncident answers equals findIncidentState's, after every step, on
// SQLite and on PostgreSQL.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MINUTE } from '../../src/server/clock.ts';
import { AppError } from '../../src/server/errors.ts';
import { newId } from '../../src/server/ids.ts';
import * as actions from '../../src/server/domain/incidents/action-rules.ts';
import * as assessment from '../../src/server/domain/incidents/assessment-rules.ts';
import {
  incidentEvent,
  type IncidentEvent,
} from '../../src/server/domain/incidents/incident-events.ts';
import * as rules from '../../src/server/domain/incidents/incident-rules.ts';
import type { IncidentState } from '../../src/server/domain/incidents/incident-state.ts';
import { appendToIncident } from '../../src/server/domain/incidents/incident-projection.ts';
import { findIncidentState } from '../../src/server/domain/incidents/incident-repository.ts';
import { lineChange } from '../../src/server/domain/incidents/line-rules.ts';
import * as roles from '../../src/server/domain/incidents/role-rules.ts';
import { loadPolicyFile } from '../../src/server/domain/policy/index.ts';
import { BUNDLED_POLICY } from '../helpers/policies.ts';
import {
  admin,
  createIncidentsContext,
  responder,
  type IncidentsContext,
} from '../helpers/incidents-context.ts';

let t: IncidentsContext;
beforeAll(async () => {
  t = await createIncidentsContext();
});
afterAll(async () => {
  await t.close();
});

const { policy, hash } = loadPolicyFile(BUNDLED_POLICY);
const USERS = ['ana', 'ben', 'cho', 'dee', 'eli'];
// The staff the service weighs its seats against: each a responder.
for (const id of USERS) responder(id);
const ctx = { newId };

interface Step {
  command: number;
  user: number;
  pick: number;
  flag: boolean;
  text: string;
  advance: number;
}

const pick = <T>(xs: readonly T[], n: number): T | undefined => xs[n % Math.max(xs.length, 1)];

/** The rules' commands, each deciding from the state as the service would; may refuse. */
const COMMANDS: ((s: IncidentState, step: Step, now: number) => IncidentEvent[])[] = [
  (s, x) => rules.updateIncident(s, policy, { title: `t ${x.text}`, restricted: x.flag }),
  (s, x) => rules.addParticipant(s, pick(USERS, x.user)!),
  (s, x) => rules.assignOwner(s, policy, pick(USERS, x.user)!, x.flag ? 'manual' : 'auto'),
  (s, x) =>
    rules.recordReproduction(s, policy, {
      result: x.flag ? 'reproduced' : 'needs_information',
      steps: x.text,
      evidence: '',
    }),
  (s, x) => {
    const others = USERS.filter((u) => u !== s.ownerId);
    const responderIds = others.slice(x.pick % 2, (x.pick % 2) + 2);
    const lead = others.find((u) => !responderIds.includes(u)) ?? null;
    return assessment.convenePanel(s, policy, { responderIds, securityLeadId: lead });
  },
  (s, x, now) => {
    const member = pick(s.panelMembers, x.user);
    if (!member) throw new AppError('RULE_REFUSED', 'no panel');
    return assessment.castVote(
      s,
      policy,
      member.userId,
      {
        answers: { customer_data_privacy: x.flag },
        vote: x.flag ? 'critical' : 'non_critical',
        rationale: x.text,
      },
      now,
    );
  },
  (s, x) => assessment.reopenDecision(s, policy, `again ${x.text}`),
  (s, x) => rules.setSeverity(s, policy, pick(policy.severities, x.pick)!.id, x.text),
  (s, x) =>
    roles.assignRole(s, policy, {
      role: pick(policy.roles, x.pick)!.id,
      userId: pick(USERS, x.user)!,
      ...(x.flag && s.roles[0] ? { replacesUserId: s.roles[0].userId } : {}),
    }),
  (s, x) => {
    const held = pick(s.roles, x.pick);
    if (!held) throw new AppError('RULE_REFUSED', 'no role');
    return roles.releaseRole(s, policy, held.role, held.userId);
  },
  (s, x) =>
    actions.addTask(
      s,
      policy,
      {
        type: 'verify',
        title: `task ${x.text}`,
        description: '',
        assigneeId: x.flag ? pick(USERS, x.user)! : null,
        dueAt: null,
      },
      ctx,
    ).events,
  (s, x) => {
    const task = pick(s.tasks, x.pick);
    if (!task) throw new AppError('RULE_REFUSED', 'no task');
    return actions.updateTask(s, policy, task.id, {
      status: x.flag ? 'done' : 'in_progress',
      assigneeId: pick(USERS, x.user)!,
    });
  },
  (s, x) =>
    actions.recordContainment(
      s,
      policy,
      { kind: pick(policy.containment.kinds, x.pick)!.id, description: x.text },
      ctx,
    ).events,
  (s, x) => {
    const action = pick(s.containment, x.pick);
    if (!action) throw new AppError('RULE_REFUSED', 'no action');
    return x.flag
      ? actions.revertContainment(s, policy, action.id, x.text)
      : actions.keepContainment(s, policy, action.id, `kept ${x.text}`);
  },
  (s, x) => rules.deEscalate(s, policy, { rationale: `lower ${x.text}` }, ctx),
  (s, x) => rules.movePhase(s, policy, pick(policy.phases, x.pick)!.id),
  (s, x) =>
    rules.recordMilestone(
      s,
      policy,
      (['root_cause_fixed', 'post_mortem_recorded', 'final_report_step_recorded'] as const)[
        x.pick % 3
      ]!,
      x.text,
      new Set(),
    ),
  (_s, x) => rules.addNote(x.text, x.flag ? 'internal' : 'reporter'),
  (s, x) => [
    incidentEvent('incident.deadline_reminded', {
      deadlineId: `d-${x.pick}`,
      kind: 'respond',
      dueAt: s.declaredAt + x.pick,
    }),
  ],
];

const nextPhase = (s: IncidentState) =>
  policy.phases[policy.phases.findIndex((p) => p.id === s.phase) + 1]?.id ?? s.phase;

/**
 * The way through an incident, for a run to start with a random part of it: a random walk alone
 * seldom reaches a panel's decision, the line or the later phases.
 */
const JOURNEY: ((s: IncidentState, step: Step, now: number) => IncidentEvent[])[] = [
  (s) => rules.assignOwner(s, policy, 'ana', 'manual'),
  (s, x) =>
    rules.recordReproduction(s, policy, { result: 'reproduced', steps: x.text, evidence: '' }),
  COMMANDS[4]!, // convene the panel
  ...[0, 1, 2, 3].map(() => (s: IncidentState, x: Step, now: number) => {
    const member = s.panelMembers.find((m) => !s.votes.some((v) => v.memberId === m.userId));
    if (!member) throw new AppError('RULE_REFUSED', 'everyone voted');
    const vote = x.flag || x.pick % 3 !== 0 ? 'critical' : 'non_critical';
    return assessment.castVote(
      s,
      policy,
      member.userId,
      { answers: { customer_data_privacy: x.flag }, vote, rationale: x.text },
      now,
    );
  }),
  (s, x) => rules.setSeverity(s, policy, s.criticality === 'critical' ? 'P1' : 'P2', x.text),
  ...['incident_commander', 'security_engineer', 'communications_lead'].map(
    (role) => (s: IncidentState, x: Step) =>
      roles.assignRole(s, policy, { role, userId: pick(USERS, x.user)! }),
  ),
  (s) => rules.movePhase(s, policy, nextPhase(s)),
  COMMANDS[12]!, // record containment
  (s) => rules.movePhase(s, policy, nextPhase(s)),
  (s, x) => rules.recordMilestone(s, policy, 'root_cause_fixed', x.text, new Set()),
  (s) => rules.movePhase(s, policy, nextPhase(s)),
  (s, x) => {
    const active = s.containment.find((c) => c.status === 'active');
    if (!active) throw new AppError('RULE_REFUSED', 'nothing active');
    return actions.revertContainment(s, policy, active.id, x.text);
  },
  (s) => rules.movePhase(s, policy, nextPhase(s)),
  (s, x) => rules.recordMilestone(s, policy, 'post_mortem_recorded', x.text, new Set()),
  (s, x) => rules.recordMilestone(s, policy, 'final_report_step_recorded', x.text, new Set()),
  (s) => rules.movePhase(s, policy, nextPhase(s)),
];

const step = fc.record({
  command: fc.nat({ max: COMMANDS.length - 1 }),
  user: fc.nat({ max: 20 }),
  pick: fc.nat({ max: 20 }),
  flag: fc.boolean(),
  text: fc.string({ maxLength: 12 }),
  // Time often stands still: ties in time are where orders could differ.
  advance: fc.constantFrom(0, 0, 1, MINUTE),
});

async function expectLoadedEquals(state: IncidentState) {
  const loaded = await findIncidentState(t.container.db, state.id);
  // Report links made at the same moment by different events are ordered by id when loaded.
  expect({ ...loaded, reportIds: [...loaded!.reportIds].sort() }).toEqual({
    ...state,
    reportIds: [...state.reportIds].sort(),
  });
}

describe('reducing an incident’s events equals projecting then loading them', () => {
  it('holds after every step of random runs of the rules’ commands', async () => {
    const seen: string[] = [];
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: JOURNEY.length }),
        fc.array(step, { minLength: JOURNEY.length + 1, maxLength: JOURNEY.length + 30 }),
        async (journeyLength, steps) => {
          const id = newId();
          const now = t.clock.now();
          const opened = rules.openIncident(
            policy,
            hash,
            {
              key: `INC-P-${id}`,
              title: 'Property',
              summary: '',
              source: 'report',
              affectedSystems: ['api'],
              detectedAt: null,
              reportedAt: null,
              declaredAt: now,
              restricted: false,
              publiclyDisclosed: steps[0]!.flag,
              reportIds: [],
            },
            ctx,
          );
          let state = await appendToIncident(t.container.db, id, null, opened, 'ana', now);
          await expectLoadedEquals(state);
          for (const [i, x] of steps.entries()) {
            t.clock.advance(x.advance);
            const at = t.clock.now();
            // First a part of the journey (a refused step is skipped), then the random walk: the
            // chosen command, or the next one the rules accept, so every step records something.
            const tries =
              i < journeyLength
                ? [JOURNEY[i]!]
                : COMMANDS.map((_, k) => COMMANDS[(x.command + k) % COMMANDS.length]!);
            let events: IncidentEvent[] | null = null;
            for (const command of tries) {
              try {
                events = command(state, x, at);
                break;
              } catch (error) {
                if (!(error instanceof AppError)) throw error; // refused: nothing recorded
              }
            }
            if (!events) continue;
            if (process.env.DEBUG_PROP) seen.push(...events.map((e) => e.type));
            const actor = pick(USERS, x.user)!;
            state = await appendToIncident(t.container.db, id, state, events, actor, at);
            const line = lineChange(state, policy);
            if (line) {
              const type =
                line.change === 'stopped' ? 'incident.line_stopped' : 'incident.line_resumed';
              const lineEvents = [incidentEvent(type, { reason: line.reason })];
              state = await appendToIncident(t.container.db, id, state, lineEvents, actor, at);
              if (process.env.DEBUG_PROP) seen.push(type);
            }
            await expectLoadedEquals(state);
          }
        },
      ),
      { numRuns: 30 },
    );
    if (process.env.DEBUG_PROP) {
      const counts: Record<string, number> = {};
      for (const type of seen) counts[type] = (counts[type] ?? 0) + 1;
      console.log(counts);
    }
  }, 120_000);

  it('moves a real journey through the service with one load per command', async () => {
    // The service answers the reduced state; a fresh read agrees after each command.
    const s = t.container.services.incidents;
    const actor = admin('ana');
    let view = await s.openIncident(actor, {
      title: 'Journey',
      summary: '',
      source: 'report',
      affectedSystems: [],
      detectedAt: null,
      reportedAt: null,
      restricted: false,
      publiclyDisclosed: true,
      reportIds: [],
    });
    view = await s.assignOwner(actor, view.key, view.version, 'ben');
    view = await s.recordReproduction(actor, view.key, view.version, {
      result: 'reproduced',
      steps: 'x',
      evidence: '',
    });
    const loaded = await findIncidentState(t.container.db, view.id);
    expect(view.version).toBe(loaded!.version);
    expect(view.tasks).toEqual(loaded!.tasks);
    expect(view.participants).toEqual(loaded!.participants);
  });
});
