// The scheduler at scale and under races: 10,000 deadlines across a simulated day, three
// instances at once, and a crash between claiming and finishing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR, MINUTE } from '../../src/server/clock.ts';
import type { Deadline } from '../../src/server/domain/clocks/deadline-rules.ts';
import {
  findDeadline,
  insertDeadlines,
} from '../../src/server/domain/clocks/deadline-repository.ts';
import { loadPolicyFile } from '../../src/server/domain/policy/index.ts';
import { Scheduler } from '../../src/server/workers/scheduler.ts';
import { createIncidentsContext, type IncidentsContext } from '../helpers/incidents-context.ts';
import { writeEditedPolicy } from '../helpers/policies.ts';

let c: IncidentsContext;
const DAY_START = Date.parse('2026-06-01T00:00:00Z');

beforeAll(async () => {
  // No reminders and a repeat longer than the day: each deadline fires exactly once (its breach).
  const path = writeEditedPolicy('  remindAt: [0.5, 0.8]\n', '  remindAt: []\n');
  const policy = loadPolicyFile(path);
  policy.policy.clocks.repeatEvery = 7 * 24 * HOUR;
  c = await createIncidentsContext({ policy });
});
afterAll(() => c.close());

let seq = 0;
function deadline(dueAt: number): Deadline {
  const id = `dl-${String(++seq).padStart(6, '0')}`;
  return {
    id,
    subjectType: 'incident',
    subjectId: `no-such-incident-${id}`,
    kind: 'task_due',
    ref: id,
    status: 'pending',
    startedAt: dueAt - HOUR,
    dueAt,
    stage: 0,
    nextFireAt: dueAt,
    pausedAt: null,
    responsibleId: null,
    satisfiedBy: [],
    metAt: null,
    metBy: null,
  };
}

async function insert(rows: Deadline[]) {
  for (let i = 0; i < rows.length; i += 500) {
    await insertDeadlines(c.container.db, rows.slice(i, i + 500), DAY_START);
  }
}

/** A scheduler whose successful firings are written down as [id, tick time]. */
function recordingScheduler(workerId: string, fired: [string, number][]) {
  const real = c.container.services.clocks;
  return new Scheduler({
    clock: c.clock,
    workerId,
    batchSize: 100,
    deadlines: {
      claimDue: real.claimDue,
      fireClaimed: async (worker, id, now) => {
        const ok = await real.fireClaimed(worker, id, now);
        if (ok) fired.push([id, now]);
        return ok;
      },
    },
  });
}

describe('the scheduler at scale', () => {
  it('10,000 deadlines due across a simulated day fire once each, in order', async () => {
    const rows = Array.from({ length: 10_000 }, (_, i) =>
      deadline(DAY_START + Math.floor((i * 7919) % 10_000) * 8_640 + 1),
    );
    await insert(rows);
    const fired: [string, number][] = [];
    const s = recordingScheduler('day', fired);
    for (let at = DAY_START; at <= DAY_START + 24 * HOUR; at += 10 * MINUTE) {
      await s.tick(at);
    }
    expect(fired).toHaveLength(10_000);
    expect(new Set(fired.map(([id]) => id)).size).toBe(10_000);
    const dueOf = new Map(rows.map((r) => [r.id, r.dueAt]));
    const expectedOrder = [...rows]
      .sort((a, b) => a.dueAt - b.dueAt || a.id.localeCompare(b.id))
      .map((r) => r.id);
    expect(fired.map(([id]) => id)).toEqual(expectedOrder);
    // Each fired at the first tick at or after its due time.
    for (const [id, at] of fired) {
      const due = dueOf.get(id)!;
      expect(at >= due && at - due < 10 * MINUTE).toBe(true);
    }
  }, 300_000);

  it('three instances racing fire each item exactly once', async () => {
    const now = DAY_START + 3 * 24 * HOUR;
    const rows = Array.from({ length: 1_000 }, (_, i) => deadline(now - 1_000 + i));
    await insert(rows);
    const fired: [string, number][] = [];
    const instances = ['a', 'b', 'c'].map((w) => recordingScheduler(w, fired));
    const counts = await Promise.all(instances.map((s) => s.tick(now)));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(1_000);
    expect(fired).toHaveLength(1_000);
    expect(new Set(fired.map(([id]) => id)).size).toBe(1_000);
  }, 300_000);

  it('a crash after claiming and before finishing is taken over and fired once', async () => {
    const now = DAY_START + 5 * 24 * HOUR;
    const [row] = [deadline(now - MINUTE)];
    await insert([row!]);
    const svc = c.container.services.clocks;
    // The instance that crashed: it claimed the row and never finished.
    expect(await svc.claim(row!.id, 'crashed', now, MINUTE)).toBe(true);
    const fired: [string, number][] = [];
    const survivor = recordingScheduler('survivor', fired);
    expect(await survivor.tick(now + 30_000)).toBe(0);
    expect(await survivor.tick(now + MINUTE + 1)).toBe(1);
    // The crashed instance coming back cannot finish its stale claim.
    expect(await svc.fireClaimed('crashed', row!.id, now + MINUTE + 2)).toBe(false);
    expect(await survivor.tick(now + 2 * MINUTE)).toBe(0);
    const after = await findDeadline(c.container.db, row!.id);
    expect(after).toMatchObject({ stage: 1, claimedBy: null, breachedAt: now + MINUTE + 1 });
    expect(fired).toEqual([[row!.id, now + MINUTE + 1]]);
  });
});
