// Builds incidents and panels as plain data for tests of the pure rules.
import { fileURLToPath } from 'node:url';
import { loadPolicyFile, type Policy } from '../../src/server/domain/policy/index.ts';
import type { IncidentState, PanelVote } from '../../src/server/domain/incidents/incident-state.ts';

export const DEFAULT_POLICY_PATH = fileURLToPath(
  new URL('../../policies/default.yaml', import.meta.url),
);

export function defaultPolicy(): Policy {
  return loadPolicyFile(DEFAULT_POLICY_PATH).policy;
}

export function anIncident(overrides: Partial<IncidentState> = {}): IncidentState {
  return {
    id: 'incident-1',
    key: 'INC-2026-0001',
    title: 'Password reset token leaks in referrer',
    summary: '',
    source: 'report',
    affectedSystems: [],
    detectedAt: null,
    reportedAt: null,
    declaredAt: 0,
    restricted: false,
    publiclyDisclosed: false,
    exercise: null,
    severity: null,
    criticality: null,
    phase: 'detection_analysis',
    ownerId: 'owner',
    policyHash: 'hash',
    lineStopped: false,
    lineStoppedAt: null,
    awaitingReporter: false,
    reproduction: null,
    trackerUrl: null,
    deEscalatedAt: null,
    panelRound: 1,
    panelMembers: [],
    votes: [],
    roles: [],
    tasks: [],
    containment: [],
    milestones: [],
    reportIds: [],
    participants: [],
    createdBy: null,
    createdAt: 0,
    updatedAt: 0,
    closedAt: null,
    version: 1,
    ...overrides,
  };
}

/** Verify & reproduce done, as the policy wants before the panel, the votes and the severity. */
export const REPRODUCED = {
  result: 'reproduced' as const,
  steps: 'Request a reset, follow the link, read the Referer header.',
  evidence: 'The token appears in the third-party request log.',
};

/** An incident whose reproduction is recorded (Kundo step 3 done). */
export function aReproducedIncident(overrides: Partial<IncidentState> = {}): IncidentState {
  return anIncident({ reproduction: REPRODUCED, ...overrides });
}

/** The default policy's panel of four: the owner, two developers and the security lead. */
export const PANEL_OF_FOUR = [
  { userId: 'owner', seat: 'owner' as const },
  { userId: 'dev-a', seat: 'responder' as const },
  { userId: 'dev-b', seat: 'responder' as const },
  { userId: 'lead', seat: 'security_lead' as const },
];

export function aVote(
  memberId: string,
  vote: PanelVote['vote'],
  answers: Record<string, boolean> = {},
): PanelVote {
  const seat = PANEL_OF_FOUR.find((m) => m.userId === memberId)?.seat ?? 'responder';
  return { memberId, seat, answers, vote, rationale: `${memberId} thinks ${vote}`, at: 0 };
}
