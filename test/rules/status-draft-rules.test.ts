// Four-eyes publishing as pure decisions: which public incidents need a second person, and that
// a draft is approved once, by someone other than its writer, against the incident as written.
import { describe, expect, it } from 'vitest';
import {
  approveDraft,
  assertMayPublishAlone,
  contentHash,
  needsSecondPerson,
  rejectDraft,
  writeDraft,
} from '../../src/server/domain/status/draft-rules.ts';
import {
  applyDraftEvent,
  type StatusDraftState,
} from '../../src/server/domain/status/draft-state.ts';
import type { DraftContent } from '../../src/server/domain/status/draft-events.ts';

const publishing = {
  fourEyes: { severities: ['P0'], impacts: ['critical' as const] },
  reminders: ['Free of jargon.'],
};

const content: DraftContent = {
  opens: null,
  changes: {},
  update: {
    status: 'identified',
    body: 'Found it.',
    displayAt: null,
    components: [],
    reopen: false,
  },
};

function written(by: string): StatusDraftState {
  const [event] = writeDraft(content, { id: 'pub-1', version: 3 });
  return applyDraftEvent(null, { ...event!, seq: 1, at: 1000, actorId: by }, 'draft-1');
}

describe('who needs a second person', () => {
  it('an incident speaking for a listed severity, or of a listed impact; no other', () => {
    expect(needsSecondPerson(publishing, { impact: 'minor', severity: 'P0' })).toBe(true);
    expect(needsSecondPerson(publishing, { impact: 'critical', severity: null })).toBe(true);
    expect(needsSecondPerson(publishing, { impact: 'major', severity: 'P1' })).toBe(false);
    expect(needsSecondPerson(publishing, { impact: 'none', severity: null })).toBe(false);
  });

  it('lowering the impact below the rule still needs a second person', () => {
    expect(() =>
      assertMayPublishAlone(
        publishing,
        { impact: 'critical', severity: null },
        { impact: 'minor', severity: null },
      ),
    ).toThrow(/second person/);
    expect(() =>
      assertMayPublishAlone(publishing, { impact: 'minor', severity: 'P2' }),
    ).not.toThrow();
  });
});

describe('a draft', () => {
  it('records the hash of its exact content', () => {
    const draft = written('alice');
    expect(draft).toMatchObject({ stage: 'pending', draftedBy: 'alice', incidentVersion: 3 });
    expect(draft.contentHash).toBe(contentHash(content));
    expect(contentHash({ ...content, update: { ...content.update, body: 'Found it!' } })).not.toBe(
      draft.contentHash,
    );
  });

  it('is never approved by its writer, nor against a changed incident, nor twice', () => {
    const draft = written('alice');
    const where = { publicIncidentId: 'pub-1', updateId: 'u-1' };
    expect(() => approveDraft(draft, 'alice', 3, where)).toThrow(/another member of staff/);
    expect(() => approveDraft(draft, 'bob', 4, where)).toThrow(/changed since this draft/);
    const [approved] = approveDraft(draft, 'bob', 3, where);
    expect(approved!.visibility).toBe('internal');
    const after = applyDraftEvent(
      draft,
      { ...approved!, seq: 2, at: 2000, actorId: 'bob' },
      'draft-1',
    );
    expect(after).toMatchObject({ stage: 'published', decidedBy: 'bob', publishedUpdateId: 'u-1' });
    expect(() => approveDraft(after, 'carol', 3, where)).toThrow(
      'This draft was already published',
    );
    expect(() => rejectDraft(after, 'late')).toThrow('This draft was already published');
  });
});
