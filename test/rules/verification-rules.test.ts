// The order the policy gives (Kundo step 3 before step 4), as pure rules: which steps wait for
// verify & reproduce, and when a security lead's emergency severity may come first.
import { describe, expect, it } from 'vitest';
import {
  castVote,
  convenePanel,
  recordFinalCall,
} from '../../src/server/domain/incidents/assessment-rules.ts';
import { openIncident, setSeverity } from '../../src/server/domain/incidents/incident-rules.ts';
import type { Policy } from '../../src/server/domain/policy/index.ts';
import {
  PANEL_OF_FOUR,
  aReproducedIncident,
  anIncident,
  defaultPolicy,
} from '../helpers/incident-factory.ts';

const policy = defaultPolicy();
const ctx = { newId: () => 'id' };
const nomination = { responderIds: ['dev-a', 'dev-b'], securityLeadId: 'lead' };
const vote = { answers: {}, vote: 'critical' as const, rationale: 'exploited' };
const withVerification = (v: Partial<Policy['verification']>): Policy => ({
  ...policy,
  verification: { ...policy.verification, ...v },
});
const refusedFor = (step: string) =>
  expect.objectContaining({
    code: 'RULE_REFUSED',
    details: expect.objectContaining({
      step,
      failedChecks: [expect.objectContaining({ code: 'reproduction_recorded' })],
    }),
  });
const emergency = { reason: 'keys are public', bySecurityLead: true };

describe('verify & reproduce before the assessment (default policy)', () => {
  it('the default policy orders it before the panel, the votes and the severity', () => {
    expect(policy.verification.requiredBefore).toEqual(['panel', 'vote', 'severity']);
    expect(policy.verification.allowEmergencySeverity).toBe(true);
  });

  it('without a reproduction the panel, a vote, the final call and a severity are refused', () => {
    const unverified = anIncident({ panelMembers: PANEL_OF_FOUR });
    expect(() => convenePanel(anIncident(), policy, nomination)).toThrow(refusedFor('panel'));
    expect(() => castVote(unverified, policy, 'dev-a', vote, 0)).toThrow(refusedFor('vote'));
    expect(() =>
      recordFinalCall(unverified, policy, 'lead', { outcome: 'critical', rationale: 'x' }),
    ).toThrow(refusedFor('vote'));
    expect(() => setSeverity(anIncident(), policy, 'P2', 'minor')).toThrow(refusedFor('severity'));
  });

  it('"needs information" is not a reproduction; reproduced and not reproduced are', () => {
    const waiting = aReproducedIncident({
      reproduction: { result: 'needs_information', steps: '', evidence: '' },
    });
    expect(() => setSeverity(waiting, policy, 'P2', 'minor')).toThrow(refusedFor('severity'));
    const notReproduced = aReproducedIncident({
      reproduction: { result: 'not_reproduced', steps: 'tried', evidence: '' },
    });
    expect(setSeverity(notReproduced, policy, 'P2', 'minor').map((e) => e.type)).toEqual([
      'incident.severity_set',
    ]);
    expect(convenePanel(aReproducedIncident(), policy, nomination)[0]!.type).toBe(
      'incident.panel_convened',
    );
  });

  it("the security lead's emergency severity is recorded before the severity, with the reason", () => {
    const events = setSeverity(anIncident(), policy, 'P0', 'exploited', emergency);
    expect(events.map((e) => e.type)).toEqual([
      'incident.reproduction_overridden',
      'incident.severity_set',
    ]);
    expect(events[0]!.data).toEqual({
      step: 'severity',
      severity: 'P0',
      reason: 'keys are public',
      reproduction: null,
    });
    expect(() =>
      setSeverity(anIncident(), policy, 'P0', 'x', { ...emergency, bySecurityLead: false }),
    ).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
  });

  it('opening with a severity needs the override too', () => {
    const input = {
      key: 'INC-2026-0001',
      declaredAt: 0,
      reportIds: [],
      title: 't',
      summary: '',
      source: 'manual',
      affectedSystems: [],
      detectedAt: null,
      reportedAt: null,
      restricted: false,
      publiclyDisclosed: false,
      severity: 'P0',
    };
    expect(() => openIncident(policy, 'hash', input, ctx)).toThrow(refusedFor('severity'));
    expect(
      openIncident(policy, 'hash', { ...input, severityOverride: emergency }, ctx).map(
        (e) => e.type,
      ),
    ).toEqual(['incident.opened', 'incident.reproduction_overridden', 'incident.severity_set']);
  });
});

describe('a policy that says otherwise', () => {
  it('without an emergency severity, even the security lead waits for the reproduction', () => {
    const strict = withVerification({ allowEmergencySeverity: false });
    expect(() => setSeverity(anIncident(), strict, 'P0', 'x', emergency)).toThrow(
      expect.objectContaining({
        code: 'RULE_REFUSED',
        message: expect.stringMatching(/allows no emergency severity/),
      }),
    );
  });

  it('requiredBefore: [] lets the panel and the severity come first, with nothing recorded extra', () => {
    const loose = withVerification({ requiredBefore: [] });
    expect(setSeverity(anIncident(), loose, 'P2', 'minor').map((e) => e.type)).toEqual([
      'incident.severity_set',
    ]);
    expect(convenePanel(anIncident(), loose, nomination)[0]!.type).toBe('incident.panel_convened');
  });

  it('requiredBefore: [panel, vote] orders only the decision', () => {
    const decisionOnly = withVerification({ requiredBefore: ['panel', 'vote'] });
    expect(setSeverity(anIncident(), decisionOnly, 'P1', 'r')).toHaveLength(1);
    expect(() => convenePanel(anIncident(), decisionOnly, nomination)).toThrow(refusedFor('panel'));
  });
});
