// One way to record: a status use case appends and projects its events and goes on with the state
// reduced in memory. That is only right if reducing equals projecting then loading. Property: for
// random runs of the rules' own commands (a refused one is skipped), the state the projection
// answers equals what the repository loads, after every step, on SQLite and on PostgreSQL.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/server/db/transaction.ts';
import { AppError } from '../../src/server/errors.ts';
import { newId } from '../../src/server/ids.ts';
import {
  appendToCatalogue,
  appendToPublicIncident,
} from '../../src/server/domain/status/status-projection.ts';
import {
  findPublicIncident,
  listUnresolvedComponentStatuses,
  loadCatalogue,
} from '../../src/server/domain/status/status-repository.ts';
import * as rules from '../../src/server/domain/status/status-rules.ts';
import type { StatusEvent } from '../../src/server/domain/status/status-events.ts';
import type {
  ComponentCatalogue,
  PublicIncidentState,
} from '../../src/server/domain/status/status-state.ts';
import {
  COMPONENT_STATUSES,
  INCIDENT_IMPACTS,
  PUBLIC_INCIDENT_STATUSES,
} from '../../src/shared/domain/status.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

interface Step {
  command: number;
  pick: number;
  flag: boolean;
  text: string;
  advance: number;
}

const step = fc.record({
  command: fc.nat(20),
  pick: fc.nat(50),
  flag: fc.boolean(),
  text: fc.string({ maxLength: 20 }),
  advance: fc.constantFrom(0, 0, 1000, 60_000),
});

const at = <T>(xs: readonly T[], n: number) => xs[n % xs.length]!;

function catalogueCommand(c: ComponentCatalogue, x: Step): StatusEvent[] {
  const target = c.components[x.pick % Math.max(c.components.length, 1)];
  const groups = c.components.filter((g) => g.isGroup);
  switch (x.command % 4) {
    case 0:
      return rules.addComponent(
        c,
        {
          name: `c ${x.text}`,
          description: x.flag ? x.text : null,
          groupId: x.flag && groups.length ? at(groups, x.pick).id : null,
          isGroup: !x.flag && x.pick % 3 === 0,
          onlyShowIfDegraded: x.flag,
        },
        newId(),
      );
    case 1:
      if (!target) return [];
      return rules.changeComponent(c, target.id, { name: `r ${x.text}`, position: x.pick });
    case 2:
      if (!target) return [];
      return rules.setComponentStatus(c, target.id, at(COMPONENT_STATUSES, x.pick));
    default:
      if (!target) return [];
      return rules.removeComponent(c, target.id);
  }
}

function incidentCommand(
  s: PublicIncidentState,
  c: ComponentCatalogue,
  x: Step,
  now: number,
): StatusEvent[] {
  const leaves = c.components.filter((l) => !l.isGroup);
  switch (x.command % 4) {
    case 0:
      return rules.changePublicIncident(s, {
        name: `n ${x.text}`,
        impact: at(INCIDENT_IMPACTS, x.pick),
      });
    case 1:
      return rules.linkInternalIncident(
        s,
        x.flag ? { id: `i-${x.pick}`, key: `INC-${x.pick}` } : null,
      );
    default:
      return rules.publishUpdate(
        s,
        c,
        [],
        {
          status: at(PUBLIC_INCIDENT_STATUSES, x.pick),
          body: x.text || 'b',
          displayAt: x.flag ? now - 1000 : null,
          components: leaves.length
            ? [{ componentId: at(leaves, x.pick).id, status: at(COMPONENT_STATUSES, x.pick + 1) }]
            : [],
          reopen: x.flag,
        },
        newId(),
        now,
      );
  }
}

const refusedOrThrow = (error: unknown) => {
  if (!(error instanceof AppError)) throw error;
};

describe('status: reducing equals projecting then loading', () => {
  it('for the component catalogue and for public incidents', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 25 }), async (steps) => {
        let now = t.clock.now();
        let catalogue = await loadCatalogue(t.container.db);
        let incident: PublicIncidentState | null = null;
        for (const x of steps) {
          now += x.advance;
          const result = await inTransaction(t.container.db, async (tx) => {
            try {
              if (x.command < 10 || !incident) {
                const events = incident
                  ? catalogueCommand(catalogue, x)
                  : rules.openPublicIncident(
                      catalogue,
                      await listUnresolvedComponentStatuses(tx),
                      {
                        name: x.text || 'n',
                        impact: at(INCIDENT_IMPACTS, x.pick),
                        status: 'investigating',
                        body: x.text || 'b',
                        displayAt: null,
                        startedAt: x.flag ? now - 5000 : null,
                        components: [],
                      },
                      newId(),
                      now,
                    );
                if (!incident) {
                  incident = await appendToPublicIncident(tx, newId(), null, events, 'u1', now);
                } else {
                  catalogue = await appendToCatalogue(tx, catalogue, events, 'u1', now);
                }
              } else {
                const events = incidentCommand(incident, catalogue, x, now);
                incident = await appendToPublicIncident(
                  tx,
                  incident.id,
                  incident,
                  events,
                  'u1',
                  now,
                );
              }
            } catch (error) {
              refusedOrThrow(error);
            }
            return {
              catalogue: await loadCatalogue(tx),
              incident: incident && (await findPublicIncident(tx, incident.id)),
            };
          });
          expect(catalogue).toEqual(result.catalogue);
          expect(incident).toEqual(result.incident);
        }
      }),
      { numRuns: 15 },
    );
  }, 120_000);
});
