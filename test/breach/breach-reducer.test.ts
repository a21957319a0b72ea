// One way to record (issue 12, item 2) for breach records: reducing a record's events in memory
// equals projecting them to rows and loading them back, after every step of random runs of the
// rules' commands, on each database.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MINUTE } from '../../src/server/clock.ts';
import { AppError } from '../../src/server/errors.ts';
import { newId } from '../../src/server/ids.ts';
import { appendToBreach } from '../../src/server/domain/breach/breach-projection.ts';
import { findBreachByIncident } from '../../src/server/domain/breach/breach-repository.ts';
import * as rules from '../../src/server/domain/breach/breach-rules.ts';
import type { BreachState } from '../../src/server/domain/breach/breach-state.ts';
import type { BreachEvent } from '../../src/server/domain/breach/breach-events.ts';
import {
  BREACH_STATUSES,
  DETERMINATION_KINDS,
  RISK_LIKELIHOODS,
  RISK_SEVERITIES,
} from '../../src/shared/domain/breach.ts';
import { createIncidentsContext, type IncidentsContext } from '../helpers/incidents-context.ts';
import { loadPolicyFile } from '../../src/server/domain/policy/index.ts';
import { BUNDLED_POLICY } from '../helpers/policies.ts';

const { policy } = loadPolicyFile(BUNDLED_POLICY);

let t: IncidentsContext;
beforeAll(async () => {
  t = await createIncidentsContext();
});
afterAll(async () => t.close());

const step = fc.record({
  command: fc.nat({ max: 5 }),
  kind: fc.constantFrom(...DETERMINATION_KINDS),
  value: fc.boolean(),
  status: fc.constantFrom(...BREACH_STATUSES),
  count: fc.option(fc.nat({ max: 100_000 }), { nil: null }),
  estimate: fc.boolean(),
  likelihood: fc.option(fc.constantFrom(...RISK_LIKELIHOODS), { nil: null }),
  severity: fc.option(fc.constantFrom(...RISK_SEVERITIES), { nil: null }),
  text: fc.string({ maxLength: 12 }),
  advance: fc.constantFrom(0, 1, MINUTE),
});
type Step = typeof step extends fc.Arbitrary<infer T> ? T : never;

const COMMANDS: ((state: BreachState, x: Step, now: number) => BreachEvent[])[] = [
  (state, x, now) =>
    rules.recordDetermination(
      state,
      { kind: x.kind, value: x.kind === 'became_aware' || x.value, rationale: `why ${x.text}` },
      now,
    ),
  (state, x) =>
    rules.updateBreach(state, {
      people: { count: x.count, estimate: x.estimate },
      riskLikelihood: x.likelihood,
      riskSeverity: x.severity,
      consequences: x.text,
    }),
  (state, x) => rules.updateBreach(state, { status: x.status, statusReason: `because ${x.text}` }),
  (state, x) =>
    rules.updateBreach(state, {
      dataCategories: [{ name: `c${x.text}`, special: x.value }],
      residence: x.count === null ? [] : [{ place: 'DE', count: x.count }],
    }),
  (state, x, now) =>
    rules.recordSubmission(
      state,
      policy.breach,
      {
        regimeId: 'gdpr',
        stageId: x.value ? 'authority' : 'individuals',
        part: x.estimate ? 'initial' : 'final',
        submittedAt: now,
        recipient: 'authority',
        reference: x.text,
        copy: { mediaType: 'text/plain', text: `copy ${x.text}` },
        delayReasons: `late ${x.text}`,
      },
      'a'.repeat(64),
      now,
    ),
  // A contact-list tombstone, as the erasure and the retention rule record it (no rule decides it).
  (_state, x) => [
    {
      type: 'breach.contacts_redacted',
      data: {
        scope: x.value ? 'contact' : 'list',
        count: x.count ?? 1,
        rule: x.estimate ? 'request' : 'retention',
        reason: `erased ${x.text}`,
        removedHash: 'b'.repeat(64),
      },
    },
  ],
];

describe('reducing a breach record’s events equals projecting then loading them', () => {
  it('holds after every step of random runs', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 25 }), async (steps) => {
        const incidentId = newId();
        const breachId = newId();
        const opened = rules.openBreach(null, incidentId, { status: 'suspected' });
        let state = await appendToBreach(
          t.container.db,
          breachId,
          null,
          opened,
          'ana',
          t.clock.now(),
        );
        expect(await findBreachByIncident(t.container.db, incidentId)).toEqual(state);
        for (const x of steps) {
          t.clock.advance(x.advance);
          const now = t.clock.now();
          let events: BreachEvent[] | null = null;
          for (let k = 0; k < COMMANDS.length && !events; k++) {
            try {
              events = COMMANDS[(x.command + k) % COMMANDS.length]!(state, x, now);
            } catch (error) {
              if (!(error instanceof AppError)) throw error; // refused: nothing recorded
            }
          }
          if (!events) continue;
          state = await appendToBreach(t.container.db, breachId, state, events, 'bo', now);
          expect(await findBreachByIncident(t.container.db, incidentId)).toEqual(state);
        }
      }),
      { numRuns: 40 },
    );
  });
});
