// The breach record's rules: the risk level from likelihood and severity, and the refusals that
// keep the record honest (one per incident, reasons for closing, no future determinations).
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/server/errors.ts';
import * as rules from '../../src/server/domain/breach/breach-rules.ts';
import { reduceBreach } from '../../src/server/domain/breach/breach-state.ts';
import { loadPolicyFile } from '../../src/server/domain/policy/index.ts';
import { BUNDLED_POLICY } from '../helpers/policies.ts';

const NOW = Date.parse('2026-12-04T11:00:00Z');
const opened = () =>
  reduceBreach(
    null,
    rules
      .openBreach(null, 'inc-1', { status: 'suspected' })
      .map((e) => ({ ...e, seq: 1, at: NOW, actorId: 'dpo' })),
    'b-1',
  );

function refusal(run: () => unknown): { code: string; message: string; details: unknown } {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError)
      return { code: error.code, message: error.message, details: error.details };
    throw error;
  }
  throw new Error('not refused');
}

describe('the risk to people', () => {
  it('is none only when harm is remote and slight, high when likely or severe', () => {
    expect(rules.riskLevel('remote', 'low')).toBe('none');
    expect(rules.riskLevel('possible', 'low')).toBe('risk');
    expect(rules.riskLevel('remote', 'high')).toBe('risk');
    expect(rules.riskLevel('likely', 'medium')).toBe('high');
    expect(rules.riskLevel('possible', 'high')).toBe('high');
    expect(rules.riskLevel('likely', 'low')).toBe('risk');
    expect(rules.riskLevel(null, 'high')).toBeNull();
  });
});

describe('the record', () => {
  it('one per incident', () => {
    expect(refusal(() => rules.openBreach(opened(), 'inc-1', { status: 'suspected' })).code).toBe(
      'CONFLICT',
    );
  });

  it('closing it, or saying it is not a breach, needs a reason', () => {
    expect(refusal(() => rules.updateBreach(opened(), { status: 'closed' }))).toMatchObject({
      code: 'VALIDATION',
      details: { errors: [{ field: 'statusReason' }] },
    });
    expect(
      rules.updateBreach(opened(), { status: 'not_a_breach', statusReason: 'Encrypted at rest' }),
    ).toEqual([
      {
        type: 'breach.status_changed',
        data: { from: 'suspected', to: 'not_a_breach', reason: 'Encrypted at rest' },
      },
    ]);
  });

  it('records only what changed, and refuses a change that changes nothing', () => {
    expect(
      rules.updateBreach(opened(), { contactPoint: 'dpo@example.org', children: false }),
    ).toEqual([{ type: 'breach.updated', data: { changes: { contactPoint: 'dpo@example.org' } } }]);
    expect(refusal(() => rules.updateBreach(opened(), { children: false })).code).toBe(
      'RULE_REFUSED',
    );
  });
});

describe('determinations', () => {
  it('default to now and refuse a moment in the future', () => {
    expect(
      rules.recordDetermination(
        opened(),
        { kind: 'material', value: false, rationale: 'small' },
        NOW,
      ),
    ).toEqual([
      {
        type: 'breach.determined',
        data: { kind: 'material', value: false, at: NOW, rationale: 'small' },
      },
    ]);
    expect(
      refusal(() =>
        rules.recordDetermination(
          opened(),
          { kind: 'became_aware', value: true, at: NOW + 1, rationale: 'x' },
          NOW,
        ),
      ),
    ).toMatchObject({ code: 'VALIDATION', details: { errors: [{ field: 'at' }] } });
  });
});

describe('the "what if" view', () => {
  it('shows when each GDPR stage would fall due if decided now, keeping what is recorded', () => {
    const { policy } = loadPolicyFile(BUNDLED_POLICY);
    const state = reduceBreach(
      opened(),
      [
        {
          type: 'breach.determined' as const,
          data: { kind: 'became_aware' as const, value: true, at: NOW - 3_600_000, rationale: 'x' },
          seq: 2,
          at: NOW,
          actorId: 'dpo',
        },
      ],
      'b-1',
    );
    const later = NOW + 2 * 3_600_000;
    const [gdpr] = rules.whatIfClocks(state, policy.breach, later);
    expect(gdpr!.applies).toBe(true);
    // The authority counts from the awareness recorded; individuals from a high risk decided now.
    expect(gdpr!.stages.map((s) => [s.stageId, s.dueAt])).toEqual([
      ['authority', NOW - 3_600_000 + 72 * 3_600_000],
      ['individuals', later + 72 * 3_600_000],
    ]);
    // Nothing was recorded: the record's own clocks still wait.
    expect(rules.regimeClocks(state, policy.breach)[0]!.applies).toBeNull();
  });
});
