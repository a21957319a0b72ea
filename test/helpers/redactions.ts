// Retention and erasure tests (issue 19, item 5): a report's tombstones as recorded, and the
// check that `stopline verify` (every chain and the global sequence) still passes after them.
import { expect } from 'vitest';
import { runStopline } from './tamper.ts';
import type { TestApp } from './test-app.ts';

/** The data of the report's `report.redacted` events, in order. */
export async function reportTombstones(
  t: Pick<TestApp, 'container'>,
  key: string,
): Promise<Record<string, unknown>[]> {
  const report = await t.container.db
    .selectFrom('reports')
    .select('id')
    .where('key', '=', key)
    .executeTakeFirstOrThrow();
  const rows = await t.container.db
    .selectFrom('events')
    .select('data_json')
    .where('stream_id', '=', report.id)
    .where('type', '=', 'report.redacted')
    .orderBy('seq')
    .execute();
  return rows.map((r) => JSON.parse(r.data_json) as Record<string, unknown>);
}

/** `stopline verify` passes, the global sequence included. */
export async function expectVerifies(t: TestApp): Promise<void> {
  const run = await runStopline(t, ['verify']);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  expect(run.stdout).toContain('global sequence OK');
}
