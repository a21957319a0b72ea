// Verify & reproduce first (Kundo step 3 before step 4): the default policy refuses the panel, the
// votes and a severity until a reproduction is recorded. Tests that assess an incident record one
// through these helpers, over the API or through the service, as a responder would.
import type { Actor } from '../../src/server/domain/actor.ts';
import type { IncidentsService } from '../../src/server/domain/incidents/index.ts';
import type { TestApp } from './test-app.ts';

/** A reproduction result that counts (reproduced; "needs information" does not). */
export const REPRODUCTION = {
  result: 'reproduced' as const,
  steps: 'Follow the report step by step on a staging copy.',
  evidence: 'The attacker-visible effect, captured in the test log.',
};

/** The reason the security lead gives for an emergency severity before the reproduction. */
export const EMERGENCY = { reason: 'Customer data is leaving now; the severity cannot wait' };

/** Records the reproduction through the incidents service; answers the incident after it. */
export function reproduce(incidents: IncidentsService, actor: Actor, ref: string) {
  return incidents.recordReproduction(actor, ref, undefined, REPRODUCTION);
}

/** Records the reproduction through the API as the given caller; throws unless it is recorded. */
export async function reproduceOverApi(
  t: Pick<TestApp, 'app'>,
  headers: Record<string, string>,
  ref: string,
): Promise<{ version: number }> {
  const res = await t.app.inject({
    method: 'POST',
    url: `/api/v1/incidents/${encodeURIComponent(ref)}/reproduction`,
    headers,
    payload: REPRODUCTION,
  });
  // Not vitest's expect: benchmarks may import these helpers outside the test runner.
  if (res.statusCode !== 200) throw new Error(`reproduction: ${res.statusCode} ${res.body}`);
  return res.json() as { version: number };
}
