// The learning subject's pure rules: a post-mortem starts from the policy's template (Kundo step
// 8's eight questions in the default), is written in draft, goes to review only with every
// required section answered, and is approved by someone other than its author unless the policy
// allows it. No database: state in, events (or a refusal) out.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/server/errors.ts';
import { parsePolicy } from '../../src/server/domain/policy/index.ts';
import * as rules from '../../src/server/domain/learning/learning-rules.ts';
import {
  applyLearningEvent,
  type PostmortemState,
} from '../../src/server/domain/learning/learning-state.ts';
import type { LearningEvent } from '../../src/server/domain/learning/learning-events.ts';
import { drawTimeline } from '../../src/server/domain/learning/timeline-rules.ts';
import {
  DEFAULT_POLICY_TEXT,
  KUNDO_POSTMORTEM_QUESTIONS,
  SEV_EXAMPLE,
} from '../helpers/policies.ts';

function policyOf(text: string) {
  const result = parsePolicy(text);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return { hash: result.hash, learning: result.policy.learning };
}

const defaults = policyOf(DEFAULT_POLICY_TEXT);
const incident = { id: 'inc-1', key: 'INC-2026-0001' };

/** Reduces events as the projection records them, one second apart, by `actorId`. */
function reduce(
  state: PostmortemState | null,
  events: LearningEvent[],
  actorId = 'alice',
): PostmortemState {
  let at = (state?.updatedAt ?? 1_000_000) + 1000;
  let seq = state?.version ?? 0;
  return events.reduce<PostmortemState | null>(
    (s, e) => applyLearningEvent(s, { ...e, seq: ++seq, at: at++, actorId }, 'pm-1'),
    state,
  )!;
}

const started = (policy = defaults) =>
  reduce(null, rules.startPostmortem(null, incident, policy, 'alice'));

function answerAll(state: PostmortemState, onlyRequired = true): PostmortemState {
  return state.sections
    .filter((s) => s.required || !onlyRequired)
    .reduce(
      (s, section) => reduce(s, rules.writeSection(s, section.sectionId, `About ${section.title}`)),
      state,
    );
}

function refusal(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('the template', () => {
  it("the default policy's template asks Kundo step 8's eight questions word for word, then impact, timeline, root cause and contributing factors", () => {
    const titles = defaults.learning.postmortem.sections.map((s) => s.title);
    expect(titles.slice(0, 8)).toEqual(KUNDO_POSTMORTEM_QUESTIONS);
    expect(titles.slice(8)).toEqual(['Impact', 'Timeline', 'Root cause', 'Contributing factors']);
    const required = defaults.learning.postmortem.sections.filter((s) => s.required);
    expect(required.map((s) => s.title)).toEqual([
      ...KUNDO_POSTMORTEM_QUESTIONS,
      'Impact',
      'Root cause',
    ]);
    expect(defaults.learning.postmortem.authorMayApprove).toBe(false);
  });

  it('a policy that says nothing about learning gets the same template (the SEV1-SEV4 example loads unchanged)', () => {
    const sev = policyOf(readFileSync(SEV_EXAMPLE, 'utf8'));
    expect(sev.learning.postmortem.sections).toEqual(defaults.learning.postmortem.sections);
  });

  it('a custom policy defines its own sections; a duplicate id and an empty title are refused where they stand', () => {
    const custom = policyOf(
      DEFAULT_POLICY_TEXT.replace(
        /\n {4}sections:\n[\s\S]*?\n\n/,
        '\n    authorMayApprove: true\n    sections:\n      - id: summary\n        title: Summary\n      - id: lessons\n        title: Lessons\n        required: false\n\n',
      ).replace('    authorMayApprove: false\n', ''),
    );
    expect(custom.learning.postmortem.sections).toEqual([
      { id: 'summary', title: 'Summary', required: true },
      { id: 'lessons', title: 'Lessons', required: false },
    ]);
    const bad = parsePolicy(
      DEFAULT_POLICY_TEXT.replace(
        '- id: timeline\n        title: Timeline',
        '- id: impact\n        title: " "',
      ),
    );
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.problems.map((p) => p.path)).toEqual(
      expect.arrayContaining([
        'learning.postmortem.sections[9].title',
        'learning.postmortem.sections[9].id',
      ]),
    );
  });
});

describe('a post-mortem', () => {
  it('starts in draft with the template copied, and an incident has one only', () => {
    const state = started();
    expect(state.status).toBe('draft');
    expect(state.sections).toHaveLength(12);
    expect(state.sections[0]).toMatchObject({
      sectionId: 'circumstances',
      title: KUNDO_POSTMORTEM_QUESTIONS[0],
      required: true,
      body: '',
    });
    expect(state.policyHash).toBe(defaults.hash);
    const again = refusal(() => rules.startPostmortem(state, incident, defaults, 'bob'));
    expect(again.code).toBe('CONFLICT');
  });

  it('records a section only when its text changes; an unknown section is not found', () => {
    const state = started();
    const events = rules.writeSection(
      state,
      'impact',
      'Two customers could read each other’s invoices.',
    );
    expect(events).toEqual([
      {
        type: 'postmortem.section_written',
        data: { sectionId: 'impact', body: 'Two customers could read each other’s invoices.' },
        visibility: 'internal',
      },
    ]);
    const after = reduce(state, events, 'bob');
    expect(after.sections.find((s) => s.sectionId === 'impact')).toMatchObject({
      updatedBy: 'bob',
    });
    expect(
      rules.writeSection(after, 'impact', 'Two customers could read each other’s invoices.'),
    ).toEqual([]);
    expect(refusal(() => rules.writeSection(after, 'nope', 'x')).code).toBe('NOT_FOUND');
  });

  it('goes to review only when every required section is answered, naming each one missing', () => {
    const state = reduce(started(), rules.writeSection(started(), 'impact', '   \n'));
    const error = refusal(() => rules.submitPostmortem(state));
    expect(error.code).toBe('RULE_REFUSED');
    expect(error.details.missingSections).toEqual([
      'circumstances',
      'what_happened',
      'what_went_wrong',
      'how_we_failed',
      'what_worked',
      'planned_changes',
      'spread_knowledge',
      'documented',
      'impact',
      'root_cause',
    ]);
    expect(error.details.errors).toContainEqual({
      field: 'sections.root_cause',
      message: 'must be answered before the post-mortem goes to review',
    });
    // The optional timeline and contributing factors may stay empty.
    const answered = answerAll(state);
    expect(rules.unansweredSections(answered)).toEqual([]);
    expect(reduce(answered, rules.submitPostmortem(answered)).status).toBe('in_review');
  });

  it('is frozen in review: changes are requested with a reason, then it is written again', () => {
    const ready = answerAll(started());
    const inReview = reduce(ready, rules.submitPostmortem(ready), 'alice');
    const frozen = refusal(() => rules.writeSection(inReview, 'impact', 'changed'));
    expect(frozen.code).toBe('RULE_REFUSED');
    expect(frozen.message).toContain('in review');
    const back = reduce(
      inReview,
      rules.requestChanges(inReview, 'Name the failed check.'),
      'carol',
    );
    expect(back.status).toBe('draft');
    expect(rules.writeSection(back, 'what_went_wrong', 'The authorisation check.')).toHaveLength(1);
    expect(refusal(() => rules.requestChanges(back, 'again')).code).toBe('RULE_REFUSED');
  });

  it('is approved by someone other than whoever sent it to review, unless the policy allows the author', () => {
    const ready = answerAll(started());
    const inReview = reduce(ready, rules.submitPostmortem(ready), 'alice');
    const own = refusal(() => rules.approvePostmortem(inReview, 'alice'));
    expect(own.code).toBe('FORBIDDEN');
    expect(own.message).toContain('someone other than');
    const approved = reduce(inReview, rules.approvePostmortem(inReview, 'carol'), 'carol');
    expect(approved).toMatchObject({
      status: 'approved',
      approvedBy: 'carol',
      submittedBy: 'alice',
    });
    expect(refusal(() => rules.approvePostmortem(approved, 'carol')).code).toBe('RULE_REFUSED');
    expect(refusal(() => rules.writeSection(approved, 'impact', 'x')).message).toContain(
      'approved',
    );

    const lenient = started({
      ...defaults,
      learning: {
        ...defaults.learning,
        postmortem: { ...defaults.learning.postmortem, authorMayApprove: true },
      },
    });
    const mine = reduce(answerAll(lenient), rules.submitPostmortem(answerAll(lenient)), 'alice');
    expect(rules.approvePostmortem(mine, 'alice')).toHaveLength(1);
  });
});

describe('follow-ups', () => {
  const now = 2_000_000;
  const input = {
    title: 'Add an authorisation test for invoices',
    ownerId: 'bob',
    dueAt: now + 7 * 86_400_000,
    priority: 'high' as const,
    type: 'prevent' as const,
  };

  it('need an active owner, a due date in the future, and a policy section only for process changes', () => {
    const state = started();
    expect(refusal(() => rules.addFollowUp(state, input, 'f1', now, false)).details.errors).toEqual(
      [{ field: 'ownerId', message: 'There is no active member of staff with this id' }],
    );
    expect(
      refusal(() => rules.addFollowUp(state, { ...input, dueAt: now }, 'f1', now, true)).details
        .errors,
    ).toEqual([{ field: 'dueAt', message: 'must be in the future' }]);
    expect(
      refusal(() =>
        rules.addFollowUp(state, { ...input, policySection: 'clocks' }, 'f1', now, true),
      ).details.errors,
    ).toEqual([
      {
        field: 'policySection',
        message: 'only a follow-up of type process proposes a policy change',
      },
    ]);
    const after = reduce(
      state,
      rules.addFollowUp(
        state,
        { ...input, type: 'process', policySection: 'clocks' },
        'f1',
        now,
        true,
      ),
    );
    expect(after.followUps).toEqual([
      expect.objectContaining({
        id: 'f1',
        status: 'open',
        type: 'process',
        policySection: 'clocks',
        trackerUrl: null,
        closedAt: null,
      }),
    ]);
  });

  it('are done, or not done with a reason, or open again', () => {
    const state = reduce(started(), rules.addFollowUp(started(), input, 'f1', now, true));
    expect(refusal(() => rules.setFollowUpStatus(state, 'f1', 'not_doing', ' ')).code).toBe(
      'VALIDATION',
    );
    expect(refusal(() => rules.setFollowUpStatus(state, 'nope', 'done', null)).code).toBe(
      'NOT_FOUND',
    );
    const declined = reduce(
      state,
      rules.setFollowUpStatus(state, 'f1', 'not_doing', 'The feature is being removed.'),
    );
    expect(declined.followUps[0]).toMatchObject({
      status: 'not_doing',
      reason: 'The feature is being removed.',
    });
    expect(declined.followUps[0]!.closedAt).not.toBeNull();
    const reopened = reduce(declined, rules.setFollowUpStatus(declined, 'f1', 'open', null));
    expect(reopened.followUps[0]).toMatchObject({ status: 'open', reason: null, closedAt: null });
    expect(rules.setFollowUpStatus(reopened, 'f1', 'open', null)).toEqual([]);
  });
});

describe('when the policy requires a post-mortem', () => {
  const rule = defaults.learning.postmortem.requiredWhen;
  const calm = { severity: 'P2', lineStopped: false, deadlineBreached: false, dataBreached: false };

  it('the bundled policy: a P0 or P1, a stopped line, a breached deadline or a data breach, each said in words', () => {
    expect(rules.requiredBecause(rule, calm)).toEqual([]);
    expect(rules.requiredBecause(rule, { ...calm, severity: null })).toEqual([]);
    expect(rules.requiredBecause(rule, { ...calm, severity: 'P0' })).toEqual(['severity P0']);
    expect(
      rules.requiredBecause(rule, {
        severity: 'P1',
        lineStopped: true,
        deadlineBreached: true,
        dataBreached: true,
      }),
    ).toEqual([
      'severity P1',
      'the line stopped',
      'a deadline was breached',
      'personal data was breached',
    ]);
  });

  it('a policy that says nothing requires none', () => {
    const sev = policyOf(readFileSync(SEV_EXAMPLE, 'utf8')).learning.postmortem;
    expect(sev.requiredWhen).toEqual({
      severities: [],
      deadlineBreached: false,
      dataBreached: false,
      lineStopped: false,
    });
    expect(sev.draftDueInBusinessDays).toBeUndefined();
    expect(
      rules.requiredBecause(sev.requiredWhen, {
        severity: 'SEV1',
        lineStopped: true,
        deadlineBreached: true,
        dataBreached: true,
      }),
    ).toEqual([]);
  });

  it('a severity the policy does not define stops it from loading, with the path', () => {
    const result = parsePolicy(
      DEFAULT_POLICY_TEXT.replace('severities: [P0, P1]', 'severities: [P9]'),
    );
    expect(result.ok).toBe(false);
    expect(JSON.stringify(!result.ok && result.problems)).toContain(
      'learning.postmortem.requiredWhen.severities',
    );
  });

  it('five business days skip the weekend', () => {
    const friday = Date.parse('2026-03-06T16:00:00Z');
    expect(new Date(rules.addBusinessDays(friday, 5)).toISOString()).toBe(
      '2026-03-13T16:00:00.000Z',
    );
    const saturday = Date.parse('2026-03-07T10:00:00Z');
    expect(new Date(rules.addBusinessDays(saturday, 1)).toISOString()).toBe(
      '2026-03-09T10:00:00.000Z',
    );
  });

  it('skipping: refused when required (the bundled policy) or never allowed; otherwise recorded with its reason', () => {
    expect(() =>
      rules.skipPostmortem(null, incident, defaults, ['severity P1'], 'busy', 'alice'),
    ).toThrow(/requires a post-mortem of INC-2026-0001 \(severity P1\)/);
    const never = {
      ...defaults,
      learning: {
        ...defaults.learning,
        postmortem: { ...defaults.learning.postmortem, mayBeSkipped: 'never' as const },
      },
    };
    expect(() => rules.skipPostmortem(null, incident, never, [], 'x', 'alice')).toThrow(
      /does not let a post-mortem be skipped/,
    );
    const events = rules.skipPostmortem(null, incident, defaults, [], 'Trivial', 'alice');
    expect(events.map((e) => e.type)).toEqual(['postmortem.started', 'postmortem.skipped']);
    const state = reduce(null, events);
    expect(state).toMatchObject({ status: 'skipped', skipReason: 'Trivial', skippedBy: 'alice' });
    expect(() => rules.skipPostmortem(state, incident, defaults, [], 'again', 'alice')).toThrow(
      /skipped/,
    );
  });
});

describe("the timeline drawn from the incident's record", () => {
  const phases = [{ id: 'containment', name: 'Containment' }] as Parameters<
    typeof drawTimeline
  >[2]['phases'];
  const event = (seq: number, type: string, data: Record<string, unknown>) => ({
    seq,
    type,
    at: 1_000 * seq,
    actorId: 'alice',
    visibility: 'internal',
    data,
  });

  it('lists the manual fallback checklist: each step done, and one undone with its reason, as text', () => {
    const record = [
      event(1, 'incident.continuity_step_ticked', {
        procedureId: 'payments-by-phone',
        step: 2,
        text: 'Take card payments by phone <b>only</b>',
      }),
      event(2, 'incident.continuity_step_unticked', {
        procedureId: 'payments-by-phone',
        step: 2,
        reason: 'The phone line was down too',
      }),
      event(3, 'incident.task_added', { title: 'not on the timeline' }),
    ];
    const timeline = drawTimeline(record, { timelineMarks: [], timelineEntries: [] }, { phases });
    expect(timeline.map((i) => [i.seq, i.summary])).toEqual([
      [
        1,
        'Manual fallback payments by phone, step 2 done: Take card payments by phone <b>only</b>',
      ],
      [
        2,
        'Manual fallback payments by phone, step 2 not done after all: The phone line was down too',
      ],
    ]);
  });
});
