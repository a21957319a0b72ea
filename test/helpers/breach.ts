// Breach records for the tests: the determinations a test starts from, recorded over HTTP by
// the legal role as the console records them, each answered 201.
import { expect } from 'vitest';
import type { DeterminationKind } from '../../src/shared/domain/breach.ts';
import type { TestApp } from './test-app.ts';

/** A determination recorded yes: its kind and, for became_aware, the moment it refers to. */
export type YesDetermination = readonly [kind: DeterminationKind, at?: string];

/** Records each determination as yes on the incident's breach record, in order. */
export async function recordDeterminations(
  t: Pick<TestApp, 'app'>,
  incidentKey: string,
  headers: Record<string, string>,
  determinations: readonly YesDetermination[],
  rationale = 'The export held personal data',
): Promise<void> {
  for (const [kind, at] of determinations) {
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/incidents/${incidentKey}/breach/determinations`,
      headers,
      payload: { kind, value: true, ...(at ? { at } : {}), rationale },
    });
    expect(res.statusCode, res.body).toBe(201);
  }
}
