// One way to record, for four-eyes drafts: the state appendToDraft answers (reduced in memory)
// equals what the repository loads from status_drafts, after writing, approving and rejecting,
// for a new incident's draft and an update's, on SQLite and on PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/server/db/transaction.ts';
import { newId } from '../../src/server/ids.ts';
import type { DraftContent } from '../../src/server/domain/status/draft-events.ts';
import { appendToDraft } from '../../src/server/domain/status/draft-projection.ts';
import { findDraft, listDrafts } from '../../src/server/domain/status/draft-repository.ts';
import * as draftRules from '../../src/server/domain/status/draft-rules.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const update = (body: string): DraftContent['update'] => ({
  status: 'investigating',
  body,
  displayAt: 1_700_000_000_000,
  components: [{ componentId: 'c-1', status: 'partial_outage' }],
  reopen: false,
});

const contents: [DraftContent, { id: string; version: number } | null][] = [
  [
    {
      opens: {
        name: 'Sign-in <b>unavailable</b> ✓',
        impact: 'critical',
        startedAt: null,
        internalIncident: { id: 'inc-1', key: 'INC-2026-0001' },
      },
      changes: {},
      update: update('Nobody can sign in.\n\n* yet'),
    },
    null,
  ],
  [
    { opens: null, changes: { impact: 'minor' }, update: update('Fixed, mostly.') },
    { id: 'pub-1', version: 7 },
  ],
];

describe('drafts: reducing equals projecting then loading', () => {
  it.each([
    ['approved', true],
    ['rejected', false],
  ])('written then %s', async (_name, approve) => {
    for (const [content, target] of contents) {
      const id = newId();
      const written = await inTransaction(t.container.db, (tx) =>
        appendToDraft(tx, id, null, draftRules.writeDraft(content, target), 'alice', 1000),
      );
      expect(await findDraft(t.container.db, id)).toEqual(written);
      const events = approve
        ? draftRules.approveDraft(written, 'bob', target?.version ?? null, {
            publicIncidentId: target?.id ?? 'pub-new',
            updateId: 'u-1',
          })
        : draftRules.rejectDraft(written, 'Say what customers should do.');
      const decided = await inTransaction(t.container.db, (tx) =>
        appendToDraft(tx, id, written, events, 'bob', 2000),
      );
      expect(decided.stage).toBe(approve ? 'published' : 'rejected');
      expect(await findDraft(t.container.db, id)).toEqual(decided);
      const listed = await listDrafts(t.container.db, { stage: decided.stage, limit: 200 });
      expect(listed.find((d) => d.id === id)).toEqual(decided);
    }
  });
});
