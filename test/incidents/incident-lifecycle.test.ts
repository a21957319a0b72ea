// The two reference journeys, driven through the service on a real database (SQLite, and
// PostgreSQL when STOPLINE_TEST_DATABASE_URL is set), then checked against the record.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MINUTE } from '../../src/server/clock.ts';
import { runCli } from '../helpers/cli-process.ts';
import {
  admin,
  createIncidentsContext,
  responder,
  incidentInput,
  receiveReport,
  type IncidentsContext,
} from '../helpers/incidents-context.ts';
import { KUNDO_POSTMORTEM_QUESTIONS } from '../helpers/policies.ts';
import { EMERGENCY } from '../helpers/reproduce.ts';

let t: IncidentsContext;
beforeAll(async () => {
  t = await createIncidentsContext();
});
afterAll(async () => {
  await t.close();
});

const triager = responder('triager');
const owner = responder('dev-owner');
const devA = responder('dev-a');
const devB = responder('dev-b');
const lead = responder('sec-lead', ['incidents.close']);
const commander = responder('commander');
const comms = responder('comms');
const service = () => t.container.services.incidents;
const types = (events: { type: string }[]) => events.map((e) => e.type);

describe('the Kundo-style process for a critical incident', () => {
  it('runs from the report to closing, stopping and resuming the line on the way', async () => {
    const s = service();
    // A developer already owns an open incident, so automatic assignment picks the free one.
    const busy = await s.openIncident(
      triager,
      incidentInput({ title: 'Older incident', source: 'monitoring' }),
    );
    await s.assignOwner(triager, busy.key, undefined, 'dev-a');

    // 1. From a report: the incident links it; 2. the owner is assigned automatically.
    const report = await receiveReport(t, 'Reset token leaks via Referer');
    let incident = await s.openIncident(
      triager,
      incidentInput({
        title: 'Password reset token leaks via Referer',
        summary: 'Reported by a researcher: the reset link is sent to third-party analytics.',
        affectedSystems: ['accounts', 'web'],
        reportedAt: t.clock.now() - 30 * MINUTE,
        reportIds: [report.key],
      }),
    );
    expect(incident.key).toBe('INC-2026-0002');
    expect(incident.reportIds).toEqual([report.id]);
    t.availableResponders = ['dev-a', 'dev-owner'];
    incident = await s.assignOwner(triager, incident.key, incident.version);
    expect(incident.ownerId).toBe('dev-owner');

    // 3. Verify & reproduce: first waiting for the reporter, then reproduced.
    t.clock.advance(10 * MINUTE);
    incident = await s.recordReproduction(owner, incident.key, incident.version, {
      result: 'needs_information',
      steps: 'Asked the reporter which browser',
      evidence: '',
    });
    expect(incident.awaitingReporter).toBe(true);
    incident = await s.recordReproduction(owner, incident.key, incident.version, {
      result: 'reproduced',
      steps: '1. request reset 2. open link 3. watch analytics',
      evidence: 'HAR file in the vault',
    });
    expect(incident.awaitingReporter).toBe(false);

    // 4-5. The owner gathers two developers and the security lead; the panel decides critical.
    incident = await s.convenePanel(owner, incident.key, incident.version, {
      responderIds: ['dev-a', 'dev-b'],
      securityLeadId: 'sec-lead',
    });
    const dataAtStake = { customer_data_privacy: true, specific_circumstances_only: false };
    for (const [voter, vote, answers] of [
      [owner, 'critical', dataAtStake],
      [devA, 'critical', dataAtStake],
      [devB, 'non_critical', { customer_data_privacy: false }],
    ] as const) {
      incident = await s.castVote(voter, incident.key, undefined, {
        answers,
        vote,
        rationale: `${voter.userId}: tokens reach a third party`,
      });
    }
    // Read by the triager, who is not on the panel (the lead has not voted: sealed for them).
    expect((await s.getIncident(lead, incident.key)).assessment.sealed).toBe(true);
    const before = await s.getIncident(triager, incident.key);
    expect(before.assessment.recommendation).toBe('critical');
    expect(before.assessment.tally).toMatchObject({
      critical: 2,
      nonCritical: 1,
      waitingFor: 'votes',
    });
    expect((await s.getLine()).state).toBe('running');

    t.clock.advance(5 * MINUTE);
    incident = await s.castVote(lead, incident.key, undefined, {
      answers: dataAtStake,
      vote: 'critical',
      rationale: 'Account takeover is possible',
    });
    expect(incident).toMatchObject({ criticality: 'critical', severity: 'P1', lineStopped: true });

    // 10. The line stops.
    const line = await s.getLine();
    expect(line).toEqual({
      state: 'stopped',
      since: t.clock.now(),
      incidents: [
        { key: incident.key, title: incident.title, severity: 'P1', stoppedAt: t.clock.now() },
      ],
    });

    // 11. Roles: the missing communications lead is flagged until someone takes it.
    await s.assignRole(lead, incident.key, undefined, {
      role: 'incident_commander',
      userId: 'commander',
    });
    incident = await s.assignRole(commander, incident.key, undefined, {
      role: 'security_engineer',
      userId: 'dev-owner',
    });
    expect((await s.getIncident(lead, incident.key)).flags.map((f) => f.role)).toEqual([
      'communications_lead',
    ]);
    incident = await s.assignRole(commander, incident.key, undefined, {
      role: 'communications_lead',
      userId: 'comms',
    });
    expect((await s.getIncident(lead, incident.key)).flags).toEqual([]);
    await s.logDecision(commander, incident.key, undefined, {
      what: 'Disable password reset until fixed',
      why: 'Stops new tokens from leaking',
      alternatives: 'Strip the Referer at the proxy (slower to ship)',
      decidedBy: 'commander, dev-owner',
    });

    // 12. Containment: disable the feature.
    incident = await s.movePhase(commander, incident.key, undefined, 'containment');
    await expect(
      s.movePhase(commander, incident.key, undefined, 'eradication'),
    ).rejects.toMatchObject({
      code: 'RULE_REFUSED',
      details: { failedChecks: [expect.objectContaining({ check: 'containment_recorded' })] },
    });
    const contained = await s.recordContainment(owner, incident.key, undefined, {
      kind: 'feature_disabled',
      description: 'Password reset switched off',
    });
    incident = await s.movePhase(commander, incident.key, undefined, 'eradication');
    // Contained: the policy lets the line run again (the fix itself may ship).
    expect(incident.lineStopped).toBe(false);
    expect((await s.getLine()).state).toBe('running');

    // 13. Root cause fixed; the limitation introduced in containment is removed.
    incident = await s.recordMilestone(
      owner,
      incident.key,
      undefined,
      'root_cause_fixed',
      'Referrer-Policy: no-referrer on reset pages',
    );
    incident = await s.movePhase(commander, incident.key, undefined, 'recovery');
    await expect(
      s.movePhase(commander, incident.key, undefined, 'lessons_learned'),
    ).rejects.toThrow(/Password reset switched off/);
    incident = await s.revertContainment(
      owner,
      incident.key,
      undefined,
      contained.id,
      'Reset is back on',
    );
    // Kai 4.4: recovery ends when restoration, the service, added monitoring and a phased return
    // are each recorded with who and the evidence; the refusal names each one missing.
    const leaving = s.movePhase(commander, incident.key, undefined, 'lessons_learned');
    await expect(leaving).rejects.toMatchObject({
      code: 'RULE_REFUSED',
      details: {
        failedChecks: [
          expect.objectContaining({ code: 'restoration_validated', phase: 'recovery' }),
          expect.objectContaining({ code: 'service_validated' }),
          expect.objectContaining({ code: 'monitoring_added' }),
          expect.objectContaining({ code: 'phased_return_recorded' }),
          expect.objectContaining({
            code: 'monitoring_window_passed',
            reason:
              'The monitoring window (1d) has not started: no additional monitoring has been recorded',
          }),
        ],
      },
    });
    // Evidence is not optional for a recovery step.
    await expect(
      s.recordMilestone(owner, incident.key, undefined, 'restoration_validated', '  '),
    ).rejects.toMatchObject({
      code: 'VALIDATION',
      details: { errors: [{ field: 'note', message: 'must say what shows it (the evidence)' }] },
    });
    const evidence = {
      restoration_validated: 'Reset service redeployed from the signed 1.4.2 image',
      service_validated: 'Smoke tests green; no token in Referer on 500 sampled requests',
      monitoring_added: 'Alert on reset tokens in outbound Referer headers (runbook R-17)',
      phased_return_recorded: '10% of traffic, then 50%, then all by 14:00',
    } as const;
    for (const [step, note] of Object.entries(evidence)) {
      incident = await s.recordMilestone(
        owner,
        incident.key,
        undefined,
        step as keyof typeof evidence,
        note,
      );
    }
    const monitoringAt = t.clock.now();
    // The policy's monitoring window (24 h) runs from when monitoring was added.
    t.clock.advance(23 * 60 * MINUTE);
    await expect(
      s.movePhase(commander, incident.key, undefined, 'lessons_learned'),
    ).rejects.toMatchObject({
      details: {
        failedChecks: [
          {
            code: 'monitoring_window_passed',
            check: 'monitoring_window_passed',
            phase: 'recovery',
            reason: `The monitoring window (1d) has not passed: monitoring was added ${new Date(monitoringAt).toISOString()} and it passes ${new Date(monitoringAt + 24 * 60 * MINUTE).toISOString()}`,
          },
        ],
      },
    });
    const detail = await s.getIncident(commander, incident.key);
    expect(detail.exitChecksFailing.map((f) => f.code)).toEqual(['monitoring_window_passed']);
    expect(
      detail.steps
        .filter((m) => m.milestone in evidence)
        .map((m) => [m.milestone, m.recordedBy, m.note])
        .sort(),
    ).toEqual(
      Object.entries(evidence)
        .map(([m, note]) => [m, 'dev-owner', note])
        .sort(),
    );
    t.clock.advance(60 * MINUTE);
    expect((await s.getIncident(commander, incident.key)).exitChecksFailing).toEqual([]);
    incident = await s.movePhase(commander, incident.key, undefined, 'lessons_learned');

    // 6-8, 14. Verify the reporter, tell them, hold the post-mortem, write the final report.
    const verify = await s.addTask(comms, incident.key, undefined, {
      type: 'verify_reporter_identity',
      title: 'Call the reporter back on the number from their website',
      description: '',
      assigneeId: 'comms',
      dueAt: null,
    });
    await s.updateTask(comms, incident.key, undefined, verify.id, { status: 'done' });
    await s.recordMilestone(
      comms,
      incident.key,
      undefined,
      'reporter_informed',
      'Status and fix shared',
    );
    await s.recordMilestone(
      commander,
      incident.key,
      undefined,
      'final_report_step_recorded',
      'Sent',
    );
    // 8. A P1 that stopped the line may not close before its post-mortem is approved.
    const closing = s.movePhase(commander, incident.key, undefined, 'closed');
    await expect(closing).rejects.toMatchObject({
      code: 'RULE_REFUSED',
      details: {
        failedChecks: [
          {
            code: 'postmortem_approved',
            phase: 'lessons_learned',
            reason:
              'The post-mortem the policy requires (severity P1; the line stopped) is not approved: none has been started',
          },
        ],
      },
    });
    // The people who handled it answer Kundo's eight questions (and impact, root cause) ...
    const learning = t.container.services.learning;
    let postmortem = (await learning.startPostmortem(commander, incident.key)).postmortem;
    expect(postmortem.sections.slice(0, 8).map((q) => q.title)).toEqual(KUNDO_POSTMORTEM_QUESTIONS);
    for (const section of postmortem.sections.filter((q) => q.required)) {
      await learning.writeSection(
        owner,
        incident.key,
        section.sectionId,
        `We answered: ${section.title}`,
      );
    }
    await learning.submitPostmortem(owner, incident.key);
    await expect(s.movePhase(commander, incident.key, undefined, 'closed')).rejects.toThrow(
      /is not approved: it is in review/,
    );
    // ... and the security lead, who did not send it to review, approves it.
    await expect(learning.approvePostmortem(owner, incident.key)).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    const approved = await learning.approvePostmortem(lead, incident.key);
    postmortem = approved.postmortem;
    expect(approved.requiredBecause).toEqual(['severity P1', 'the line stopped']);
    expect(postmortem).toMatchObject({ status: 'approved', approvedBy: 'sec-lead' });
    expect(postmortem.sections.slice(0, 8).every((q) => q.body.startsWith('We answered'))).toBe(
      true,
    );
    // The commander may close this incident without the global close permission.
    incident = await s.movePhase(commander, incident.key, undefined, 'closed');
    expect(incident.phase).toBe('closed');
    expect(incident.closedAt).toBe(t.clock.now());
    await expect(
      s.addNote(commander, incident.key, undefined, 'late', 'internal'),
    ).resolves.toBeDefined();
    await expect(s.setSeverity(lead, incident.key, undefined, 'P0', 'x')).rejects.toThrow(/closed/);

    // The timeline holds every step, in order, with who did it.
    const timeline = await s.timeline(admin('auditor'), incident.key, { limit: 200 });
    // (The clocks' own events, deadlines met, are tested in test/clocks.)
    const steps = types(timeline.items).filter((t) => !t.startsWith('incident.deadline_'));
    expect(steps).toEqual([
      'incident.opened',
      'incident.owner_assigned',
      'incident.reproduction_recorded',
      'incident.reproduction_recorded',
      'incident.panel_convened',
      'incident.panel_vote_recorded',
      'incident.panel_vote_recorded',
      'incident.panel_vote_recorded',
      'incident.panel_vote_recorded',
      'incident.decision_recorded',
      'incident.severity_set',
      'incident.line_stopped',
      'incident.role_assigned',
      'incident.role_assigned',
      'incident.role_assigned',
      'incident.decision_logged',
      'incident.phase_changed',
      'incident.containment_recorded',
      'incident.phase_changed',
      'incident.line_resumed',
      'incident.milestone_recorded',
      'incident.phase_changed',
      'incident.containment_reverted',
      'incident.milestone_recorded', // the four recovery steps (Kai 4.4)
      'incident.milestone_recorded',
      'incident.milestone_recorded',
      'incident.milestone_recorded',
      'incident.phase_changed',
      'incident.task_added',
      'incident.task_updated',
      'incident.milestone_recorded',
      'incident.milestone_recorded',
      'incident.phase_changed',
      'incident.note_added',
    ]);
    expect(timeline.items[2]!.data).toMatchObject({ awaitingReporter: true, clocksPaused: true });
    expect(timeline.items[1]).toMatchObject({
      actorId: 'triager',
      data: { ownerId: 'dev-owner', how: 'auto' },
    });
    const decision = timeline.items.find((e) => e.type === 'incident.decision_recorded');
    expect(decision!.data).toMatchObject({ outcome: 'critical', how: 'majority' });

    const page = await s.timeline(admin('auditor'), incident.key, {
      limit: 5,
      types: ['incident.phase_changed'],
    });
    expect(page.items.map((e) => e.data.to)).toEqual([
      'containment',
      'eradication',
      'recovery',
      'lessons_learned',
      'closed',
    ]);
    const firstTwo = await s.timeline(admin('auditor'), incident.key, { limit: 2 });
    const next = await s.timeline(admin('auditor'), incident.key, {
      limit: 2,
      afterSeq: firstTwo.nextAfterSeq!,
    });
    expect(next.items.map((e) => e.seq)).toEqual([3, 4]);

    const history = await s.lineHistory(10);
    expect(history.map((h) => [h.incidentKey, h.change, h.reason])).toEqual([
      [incident.key, 'resumed', 'contained'],
      [incident.key, 'stopped', 'critical (P1)'],
    ]);
    expect((await s.listDecisions(lead, incident.key))[0]).toMatchObject({
      what: 'Disable password reset until fixed',
      recordedBy: 'commander',
    });

    const verified = await runCli(['verify'], t.database.env);
    expect(verified.stdout).toMatch(/event log OK/);
    expect(verified.code).toBe(0);
  });
});

describe('the non-critical path', () => {
  it('decided non-critical → handed to development with a tracker link → closed', async () => {
    const s = service();
    const report = await receiveReport(t, 'Verbose error page');
    let incident = await s.openIncident(
      triager,
      incidentInput({
        title: 'Verbose error page shows framework version',
        affectedSystems: ['web'],
        publiclyDisclosed: true,
        reportIds: [report.key],
      }),
    );
    // Posted publicly: step 1 is to take it out of public view.
    expect(incident.tasks).toMatchObject([{ type: 'remove_public_disclosure', status: 'open' }]);
    incident = await s.assignOwner(triager, incident.key, undefined, 'dev-b');
    await s.recordMilestone(
      owner,
      incident.key,
      undefined,
      'public_disclosure_removed',
      'Forum post hidden',
    );
    await s.recordReproduction(owner, incident.key, undefined, {
      result: 'reproduced',
      steps: 'GET /nope',
      evidence: '',
    });
    await s.convenePanel(devB, incident.key, undefined, {
      responderIds: ['dev-a', 'dev-owner'],
      securityLeadId: 'sec-lead',
    });
    const minor = { specific_circumstances_only: true, customer_data_privacy: false };
    for (const voter of [devB, devA, owner, lead]) {
      incident = await s.castVote(voter, incident.key, undefined, {
        answers: minor,
        vote: 'non_critical',
        rationale: 'version only',
      });
    }
    expect(incident).toMatchObject({
      criticality: 'non_critical',
      severity: 'P2',
      lineStopped: false,
    });
    incident = await s.handOffToDevelopment(
      devB,
      incident.key,
      undefined,
      'https://tracker.example/PROJ-42',
    );
    expect(incident.trackerUrl).toBe('https://tracker.example/PROJ-42');
    incident = await s.movePhase(devB, incident.key, undefined, 'lessons_learned');
    expect(incident.phase).toBe('lessons_learned');
    await expect(s.movePhase(lead, incident.key, undefined, 'closed')).rejects.toThrow(
      /reporter has not been told/,
    );
    await expect(s.movePhase(devB, incident.key, undefined, 'closed')).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    const verify = await s.addTask(devB, incident.key, undefined, {
      type: 'verify_reporter_identity',
      title: 'Verify reporter',
      description: '',
      assigneeId: null,
      dueAt: null,
    });
    await s.updateTask(devB, incident.key, undefined, verify.id, { status: 'done' });
    await s.recordMilestone(
      devB,
      incident.key,
      undefined,
      'reporter_informed',
      'Told them it goes in the next release',
    );
    incident = await s.movePhase(lead, incident.key, undefined, 'closed');
    expect(incident.phase).toBe('closed');
    // The dashboard asks for open incidents only: a closed one is no longer among them.
    const keysOf = async (open: boolean) =>
      (await s.listIncidents(lead, { open, limit: 100, offset: 0 })).items.map((i) => i.key);
    expect(await keysOf(true)).not.toContain(incident.key);
    expect(await keysOf(false)).toContain(incident.key);

    const timeline = await s.timeline(lead, incident.key, { limit: 100 });
    expect(timeline.items.find((e) => e.type === 'incident.phase_changed')?.data).toEqual({
      from: 'detection_analysis',
      to: 'lessons_learned',
      skipped: ['containment', 'eradication', 'recovery'],
      closes: false,
    });
    expect(types(timeline.items)).not.toContain('incident.line_stopped');
    expect((await runCli(['verify'], t.database.env)).code).toBe(0);
  });
});

describe('de-escalation after containment', () => {
  it('lifts the line, lowers the severity and turns the root-cause fix into a follow-up', async () => {
    const s = service();
    let incident = await s.openIncident(
      triager,
      incidentInput({
        title: 'Admin export reachable without MFA',
        severity: 'P1',
        severityOverride: EMERGENCY,
      }),
    );
    expect(incident.lineStopped).toBe(true);
    await s.assignOwner(triager, incident.key, undefined, 'dev-owner');
    await s.recordReproduction(owner, incident.key, undefined, {
      result: 'reproduced',
      steps: 'GET /admin/export',
      evidence: '',
    });
    await s.convenePanel(owner, incident.key, undefined, {
      responderIds: ['dev-a', 'dev-b'],
      securityLeadId: 'sec-lead',
    });
    await s.recordFinalCall(lead, incident.key, undefined, {
      outcome: 'critical',
      rationale: 'Every customer export is exposed',
    });
    await expect(
      s.deEscalate(lead, incident.key, undefined, { rationale: 'too early' }),
    ).rejects.toThrow(/containment/);
    await s.recordContainment(owner, incident.key, undefined, {
      kind: 'access_restricted',
      description: 'Export limited to the office network',
    });
    t.clock.advance(MINUTE);
    incident = await s.deEscalate(lead, incident.key, undefined, {
      rationale: 'Only reachable from the office network now; no customer data exposed',
    });
    expect(incident).toMatchObject({
      severity: 'P2',
      criticality: 'non_critical',
      lineStopped: false,
      deEscalatedAt: t.clock.now(),
    });
    expect(incident.tasks).toMatchObject([
      {
        type: 'follow_up',
        title: `Fix the root cause of ${incident.key}`,
        assigneeId: 'dev-owner',
      },
    ]);
    const history = await s.lineHistory(1);
    expect(history[0]).toMatchObject({
      incidentKey: incident.key,
      change: 'resumed',
      reason: 'de_escalated',
    });
    // Now non-critical, it can go to normal development.
    incident = await s.handOffToDevelopment(
      owner,
      incident.key,
      undefined,
      'https://tracker.example/SEC-9',
    );
    expect(incident.trackerUrl).toBe('https://tracker.example/SEC-9');
  });
});
