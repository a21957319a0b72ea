// The bundled default and the SEV1–SEV4 example both load, and each says what its team wrote.
import { describe, expect, it } from 'vitest';
import {
  describePolicy,
  loadPolicyFile,
  parsePolicy,
  policyHash,
  PolicyError,
} from '../../src/server/domain/policy/index.ts';
import { HOUR, MINUTE } from '../../src/server/clock.ts';
import { BUNDLED_POLICY, SEV_EXAMPLE, writeEditedPolicy } from '../helpers/policies.ts';

describe('the bundled default policy', () => {
  const { policy, hash, text } = loadPolicyFile(BUNDLED_POLICY);

  it('maps critical to P0/P1 and non-critical to P2, answering in 15 min / 1 h / 4 h', () => {
    expect(policy.severities.map((s) => [s.id, s.critical, s.responseWithin])).toEqual([
      ['P0', true, 15 * MINUTE],
      ['P1', true, HOUR],
      ['P2', false, 4 * HOUR],
    ]);
    expect(policy.criticality.defaultSeverity).toEqual({ critical: 'P1', non_critical: 'P2' });
  });

  it('asks the five criticality questions, has a panel of four and the six roles', () => {
    expect(policy.criticality.criteria).toHaveLength(5);
    expect(policy.panel).toMatchObject({ otherResponders: 2, quorum: 4 });
    expect(policy.roles.map((r) => r.id)).toEqual([
      'incident_commander',
      'security_engineer',
      'infrastructure',
      'legal',
      'communications_lead',
      'executive_sponsor',
    ]);
  });

  it('runs the GDPR regime of Kai section 6: the authority 72 h from awareness, individuals on high risk', () => {
    expect(
      policy.breach.regimes.map((r) => [
        r.id,
        r.trigger,
        r.stages.map((s) => [s.id, s.from, s.offset, s.calendar]),
      ]),
    ).toEqual([
      [
        'gdpr',
        'personal_data_involved',
        [
          ['authority', 'became_aware', 72, 'hours'],
          ['individuals', 'high_risk', 72, 'hours'],
        ],
      ],
    ]);
  });

  it('is identified by the SHA-256 of its text, so any edit is a new version', () => {
    expect(hash).toBe(policyHash(text));
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    const edited = parsePolicy(text.replace("revision: '2026-11-25'", "revision: '2026-11-26'"));
    expect(edited.ok && edited.hash).not.toBe(hash);
  });
});

describe('a team with its own policy (SEV1–SEV4)', () => {
  const { policy } = loadPolicyFile(SEV_EXAMPLE);

  it('has four severities of which SEV1 and SEV2 are critical', () => {
    expect(policy.severities.map((s) => [s.id, s.critical])).toEqual([
      ['SEV1', true],
      ['SEV2', true],
      ['SEV3', false],
      ['SEV4', false],
    ]);
  });

  it('weighs three questions, and a panel of three decides with two votes, a tie counting as critical', () => {
    expect(policy.criticality.criteria).toHaveLength(3);
    expect(policy.criticality.recommendation).toBe('balance');
    expect(policy.panel).toMatchObject({
      includesOwner: true,
      otherResponders: 1,
      includesSecurityLead: true,
      quorum: 2,
      onTie: 'critical',
    });
  });

  it('uses its own roles and phases, ending in closed, and stops the line until mitigated', () => {
    expect(policy.roles.map((r) => r.id)).not.toContain('incident_commander');
    expect(policy.phases.map((p) => p.id)).toEqual([
      'triage',
      'mitigate',
      'resolve',
      'review',
      'closed',
    ]);
    expect(policy.stopTheLine).toMatchObject({
      containedAfterPhase: 'mitigate',
      resumesWhen: ['contained', 'de_escalated'],
    });
  });

  it('is summarised in one paragraph with its severities, panel, roles and phases', () => {
    const summary = describePolicy(policy);
    expect(summary).not.toContain('\n');
    expect(summary).toContain('SEV1 Customer-facing breach (critical, respond within 10m)');
    expect(summary).toContain('SEV4 Hardening (respond within 1w)');
    expect(summary).toContain('3 criticality questions');
    expect(summary).toContain('a panel of 3');
    expect(summary).toContain('quorum of 2; on a tie: critical');
    expect(summary).toContain('triage → mitigate → resolve → review → closed');
  });
});

describe('loading a policy file', () => {
  it('a file that cannot be read is a PolicyError naming the file', () => {
    expect(() => loadPolicyFile('/nonexistent/policy.yaml')).toThrow(PolicyError);
    expect(() => loadPolicyFile('/nonexistent/policy.yaml')).toThrow(/\/nonexistent\/policy\.yaml/);
  });

  it('a file with mistakes is a PolicyError listing each as FILE:LINE: field: message', () => {
    const path = writeEditedPolicy('  quorum: 4\n', '  quorum: 9\n');
    expect(() => loadPolicyFile(path)).toThrow(
      new RegExp(
        `\\n${path}:\\d+: panel\\.quorum: quorum 9 is larger than the panel \\(4 members\\)`,
      ),
    );
  });
});
